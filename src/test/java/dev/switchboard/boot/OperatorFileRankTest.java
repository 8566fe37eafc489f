package dev.switchboard.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

/**
 * The operator's {@code application.properties} overrides what the jar packages (a pool size, the
 * stream's consumers, an HTTP limit), and an environment variable overrides the file.
 */
class OperatorFileRankTest {

    @Test
    void theOperatorsFileOverridesTheJarsDefaultsAndTheEnvironmentOverridesTheFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("application.properties");
        Files.writeString(file, "switchboard.stream.consumers=2\nquarkus.http.limits.max-body-size=1K\n");
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                // Where Quarkus puts the jar's own application.properties.
                .withSources(new PropertiesConfigSource(Map.of("switchboard.stream.consumers", "4",
                        "quarkus.http.limits.max-body-size", "16M"), "jar application.properties", 250))
                .withSources(new OperatorConfigSourceProvider.OperatorFile(file.toUri().toURL()))
                .withSources(new PropertiesConfigSource(Map.of("quarkus.http.limits.max-body-size", "2K"),
                        "environment", 300))
                .build();
        assertEquals("2", config.getRawValue("switchboard.stream.consumers"));
        assertEquals("2K", config.getRawValue("quarkus.http.limits.max-body-size"));
    }
}
