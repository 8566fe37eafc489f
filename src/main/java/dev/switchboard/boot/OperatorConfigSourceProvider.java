package dev.switchboard.boot;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.eclipse.microprofile.config.spi.ConfigSource;
import org.eclipse.microprofile.config.spi.ConfigSourceProvider;

import io.smallrye.config.PropertiesConfigSource;

/**
 * Reads the operator's {@code application.properties} from the working directory. Its ordinal,
 * 265, puts it above the defaults packaged in the jar (250) and Quarkus's own
 * {@code config/application.properties} (260), and below environment variables (300) and system
 * properties (400), so a Kubernetes Secret can still override what the file says.
 */
public class OperatorConfigSourceProvider implements ConfigSourceProvider {

    static final int ORDINAL = 265;

    @Override
    public Iterable<ConfigSource> getConfigSources(ClassLoader forClassLoader) {
        Path file = Path.of("application.properties").toAbsolutePath();
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        try {
            return List.of(new PropertiesConfigSource(file.toUri().toURL(), ORDINAL));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
    }
}
