package dev.switchboard.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import dev.switchboard.boot.OperatorConfigSourceProvider;

/**
 * The files an operator edits, as the tests edit them: rule and route files in the test folders and
 * port bindings in the test operator file (see the surefire configuration in pom.xml).
 */
public final class Workspace {

    public static final Path RULES = Path.of("target/test-rules");
    public static final Path ROUTES = Path.of("target/test-routes");

    private Workspace() {
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
    public static synchronized void bindPort(String port, Map<String, String> settings) {
        Path file = OperatorConfigSourceProvider.file();
        Properties properties = new Properties();
        try {
            if (Files.exists(file)) {
                try (var reader = Files.newBufferedReader(file)) {
                    properties.load(reader);
                }
            }
            properties.stringPropertyNames().stream()
                    .filter(name -> name.startsWith("switchboard.ports." + port + "."))
                    .forEach(properties::remove);
            settings.forEach((key, value) -> properties.setProperty("switchboard.ports." + port + "." + key, value));
            Files.createDirectories(file.getParent());
            try (Writer writer = Files.newBufferedWriter(file)) {
                properties.store(writer, "written by the tests");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
