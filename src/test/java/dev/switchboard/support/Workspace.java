package dev.switchboard.support;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Properties;

import dev.switchboard.boot.OperatorConfigSourceProvider;

/**
 * The files an operator edits, as the tests edit them: rule and route files in the test folders and
 * port bindings, sources and expectations in the test operator file (see the surefire configuration in pom.xml).
 */
public final class Workspace {

    public static final Path RULES = Path.of("target/test-rules");
    public static final Path ROUTES = Path.of("target/test-routes");

    private Workspace() {
    }

    /**
     * The rules and routes folders and the operator file the test hub is configured with, there
     * before it starts: a folder or file the configuration names and that is missing stops the
     * start (boot.FoldersCheck).
     */
    public static synchronized void prepare() {
        try {
            Files.createDirectories(RULES);
            Files.createDirectories(ROUTES);
            Path file = OperatorConfigSourceProvider.file();
            if (!Files.exists(file)) {
                write(file, "# written by the tests\n");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void writeRule(String file, String yaml) {
        write(RULES.resolve(file), yaml);
    }

    public static void writeModel(String name, String sql) {
        write(RULES.resolve("models").resolve(name + ".sql"), sql);
    }

    public static void deleteModel(String name) {
        delete(RULES.resolve("models").resolve(name + ".sql"));
    }

    public static void deleteRule(String file) {
        delete(RULES.resolve(file));
    }

    public static void writeRoute(String file, String yaml) {
        write(ROUTES.resolve(file), yaml);
    }

    public static void deleteRoute(String file) {
        delete(ROUTES.resolve(file));
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Removes {@code switchboard.ports.<port>.*} from the operator file. */
    public static void unbindPort(String port) {
        bindPort(port, Map.of());
    }

    /** Sets {@code switchboard.ports.<port>.*} in the operator file, replacing that port's settings. */
    public static void bindPort(String port, Map<String, String> settings) {
        setAll("switchboard.ports." + port + ".", settings);
    }

    /**
     * Sets every {@code <prefix><key>} of the operator file to its value in {@code settings}, and
     * removes the other keys under {@code prefix}: an empty map removes them all.
     */
    public static synchronized void setAll(String prefix, Map<String, String> settings) {
        Path file = OperatorConfigSourceProvider.file();
        Properties properties = new Properties();
        try {
            if (Files.exists(file)) {
                try (var reader = Files.newBufferedReader(file)) {
                    properties.load(reader);
                }
            }
            properties.stringPropertyNames().stream().filter(name -> name.startsWith(prefix))
                    .forEach(properties::remove);
            settings.forEach((key, value) -> properties.setProperty(prefix + key, value));
            StringWriter text = new StringWriter();
            properties.store(text, "written by the tests");
            write(file, text.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Replaces the file in one step: the hub's scheduled reload reads these files at any moment, and
     * a half-written one would be a rejected load that no test asked for.
     */
    private static void write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Path next = Files.writeString(file.resolveSibling(file.getFileName() + ".next"), text);
            Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
