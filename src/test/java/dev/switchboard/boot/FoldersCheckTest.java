package dev.switchboard.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.switchboard.support.ConfigChecks;

/**
 * A folder or file the configuration names and that is not there stops the start by name: a
 * misspelt rules folder recorded every event IGNORED, a misspelt operator file ran on defaults.
 */
class FoldersCheckTest {

    static List<String> check(Map<String, String> settings) {
        return ConfigChecks.messages(new FoldersCheck(), settings);
    }

    @Test
    void aNamedFolderOrFileThatIsNotThereIsRefused(@TempDir Path work) {
        Path rulez = work.resolve("rulez");
        Path file = work.resolve("aplication.properties");
        assertEquals(List.of(
                "switchboard.rules.dir=" + rulez + ": there is no such folder (" + rulez
                        + "); create it, even empty, or correct the path",
                "switchboard.config-file=" + file + ": there is no such file (" + file
                        + "), so none of its settings would apply"),
                check(Map.of("switchboard.rules.dir", rulez.toString(), "switchboard.config-file", file.toString())));
    }

    @Test
    void foldersAndFilesThatAreThereAndUnsetOnesPass(@TempDir Path work) throws Exception {
        Files.createDirectories(work.resolve("rules"));
        Path file = Files.writeString(work.resolve("application.properties"), "");
        assertEquals(List.of(), check(Map.of("switchboard.rules.dir", work.resolve("rules").toString(),
                "switchboard.config-file", file.toString())));
        assertEquals(List.of(), check(Map.of()));
    }
}
