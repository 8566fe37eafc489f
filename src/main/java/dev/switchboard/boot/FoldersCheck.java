package dev.switchboard.boot;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.eclipse.microprofile.config.spi.ConfigSource;

import dev.switchboard.core.ConfigCheck;
import dev.switchboard.core.SettingProblem;

/**
 * A folder or file named in the configuration that is not there. Each was taken in silence: a
 * misspelt rules folder loaded no rules, so every event was recorded IGNORED for good; a misspelt
 * routes folder ran no route; a misspelt operator file started the hub on defaults alone. Only a
 * path that was set is judged, not a default: without {@code switchboard.rules.dir}, a hub with no
 * {@code rules} folder runs without rules, and says so.
 */
public class FoldersCheck implements ConfigCheck {

    static final List<String> FOLDERS = List.of("switchboard.rules.dir", "switchboard.routes.dir");

    /** Read by {@link OperatorConfigSourceProvider#file()}, from a system property or the environment. */
    static final String CONFIG_FILE = "switchboard.config-file";

    @Override
    public boolean judgesNames() {
        return false;
    }

    @Override
    public List<SettingProblem> check(ConfigSource settings, List<String> profiles) {
        List<SettingProblem> problems = new ArrayList<>();
        for (String key : FOLDERS) {
            String value = settings.getValue(key);
            if (value != null && !value.isBlank()) {
                path(value).filter(Files::isDirectory).ifPresentOrElse(folder -> { }, () -> problems.add(
                        new SettingProblem(key, key + "=" + value + ": there is no such folder" + absolute(value)
                                + "; create it, even empty, or correct the path")));
            }
        }
        String file = settings.getValue(CONFIG_FILE);
        if (file != null && !file.isBlank()) {
            path(file).filter(Files::isRegularFile).ifPresentOrElse(found -> { }, () -> problems.add(
                    new SettingProblem(CONFIG_FILE, CONFIG_FILE + "=" + file + ": there is no such file" + absolute(file)
                            + ", so none of its settings would apply")));
        }
        return problems;
    }

    /** The path written, if it is one (a NUL is not). */
    private static Optional<Path> path(String value) {
        try {
            return Optional.of(Path.of(value.strip()));
        } catch (InvalidPathException e) {
            return Optional.empty();
        }
    }

    private static String absolute(String value) {
        return path(value).map(path -> " (" + path.toAbsolutePath() + ")").orElse("");
    }
}
