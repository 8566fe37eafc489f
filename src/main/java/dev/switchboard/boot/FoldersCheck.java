package dev.switchboard.boot;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

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
            missing(settings, key, Files::isDirectory, "folder", "; create it, even empty, or correct the path")
                    .ifPresent(problems::add);
        }
        missing(settings, CONFIG_FILE, Files::isRegularFile, "file", ", so none of its settings would apply")
                .ifPresent(problems::add);
        return problems;
    }

    /** A problem when {@code key} is set to a path that is not there as {@code there} wants it (or is no path: a NUL). */
    private static Optional<SettingProblem> missing(ConfigSource settings, String key, Predicate<Path> there,
            String what, String consequence) {
        String value = settings.getValue(key);
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        Optional<Path> path;
        try {
            path = Optional.of(Path.of(value.strip()));
        } catch (InvalidPathException e) {
            path = Optional.empty();
        }
        if (path.filter(there).isPresent()) {
            return Optional.empty();
        }
        return Optional.of(new SettingProblem(key, key + "=" + value + ": there is no such " + what
                + path.map(written -> " (" + written.toAbsolutePath() + ")").orElse("") + consequence));
    }
}
