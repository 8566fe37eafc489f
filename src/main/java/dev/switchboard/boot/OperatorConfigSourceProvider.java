package dev.switchboard.boot;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.eclipse.microprofile.config.spi.ConfigSource;
import org.eclipse.microprofile.config.spi.ConfigSourceProvider;

import io.quarkus.runtime.ExecutionMode;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

/**
 * Reads the operator's {@code application.properties} from the working directory (see {@link #file()}). Its ordinal,
 * 265, puts it above the defaults packaged in the jar (250) and Quarkus's own
 * {@code config/application.properties} (260), and below environment variables (300) and system
 * properties (400), so a Kubernetes Secret can still override what the file says.
 */
public class OperatorConfigSourceProvider implements ConfigSourceProvider {

    static final int ORDINAL = 265;

    /**
     * The operator's file: {@code ./application.properties}, or the path in the system property
     * {@code switchboard.config-file} or the environment variable {@code SWITCHBOARD_CONFIG_FILE}.
     */
    public static Path file() {
        String configured = System.getProperty("switchboard.config-file", System.getenv("SWITCHBOARD_CONFIG_FILE"));
        return Path.of(configured == null || configured.isBlank() ? "application.properties" : configured)
                .toAbsolutePath();
    }

    /**
     * The configuration as it is now on disk: system properties, environment, the operator's file
     * read again, and the packaged defaults, for settings that take effect on reload.
     */
    public static SmallRyeConfig current(List<String> profiles, Class<?> mapping) {
        SmallRyeConfigBuilder builder = new SmallRyeConfigBuilder().addDefaultSources().addDefaultInterceptors()
                .withProfiles(profiles).withMapping(mapping).withValidateUnknown(false);
        URL packaged = Thread.currentThread().getContextClassLoader().getResource("application.properties");
        try {
            if (packaged != null) {
                builder.withSources(new PropertiesConfigSource(packaged, 250));
            }
            if (Files.isRegularFile(file())) {
                builder.withSources(new PropertiesConfigSource(file().toUri().toURL(), ORDINAL));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read configuration", e);
        }
        return builder.build();
    }

    @Override
    public Iterable<ConfigSource> getConfigSources(ClassLoader forClassLoader) {
        // The build reads configuration too, and bakes what it reads into the jar as defaults: the
        // example secrets of the file in the build's directory would then ride along everywhere.
        if (ExecutionMode.current() != ExecutionMode.RUNTIME_INIT && ExecutionMode.current() != ExecutionMode.RUNNING) {
            return List.of();
        }
        Path file = file();
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        try {
            return List.of(new PropertiesConfigSource(file.toUri().toURL(), ORDINAL));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
    }

    /**
     * The line of the operator's file that sets {@code key} (1-based), for an error to point at;
     * 0 when it is not set there (a default, or set elsewhere such as in the environment).
     */
    public static int lineOf(String key) {
        try {
            java.util.List<String> lines = java.nio.file.Files.readAllLines(file());
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i).strip();
                if (line.startsWith(key) && (line.length() == key.length()
                        || "=: \t".indexOf(line.charAt(key.length())) >= 0)) {
                    return i + 1;
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            // No file to point into: the message names the setting anyway.
        }
        return 0;
    }
}
