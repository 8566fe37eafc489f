package dev.switchboard.boot;

import java.nio.file.Path;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Settings of the embedded default. {@link EmbeddedServicesConfigSourceFactory} reads them before
 * this mapping exists (it runs while configuration is built); the mapping documents them and lets
 * configuration validation know these names.
 */
@ConfigMapping(prefix = "switchboard")
public interface EmbeddedConfig {

    /** Where the embedded PostgreSQL ({@code postgres/}) and Artemis ({@code artemis/}) keep their data. */
    @WithDefault("data")
    Path dataDir();

    Embedded embedded();

    interface Embedded {

        /** 0 picks a free port; the port in use is logged at startup. */
        @WithDefault("0")
        int postgresPort();

        @WithDefault("127.0.0.1")
        String brokerHost();

        /** 0 picks a free port. */
        @WithDefault("61616")
        int brokerPort();
    }
}
