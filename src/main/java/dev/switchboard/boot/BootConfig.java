package dev.switchboard.boot;

import java.nio.file.Path;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Settings read while configuration is still being built: the operator's file (by
 * {@link OperatorConfigSourceProvider}), the embedded default (by
 * {@link EmbeddedServicesConfigSourceFactory}) and the session key (by
 * {@link SessionKeyConfigSourceFactory}). This mapping documents them and lets configuration
 * validation know these names.
 */
@ConfigMapping(prefix = "switchboard")
public interface BootConfig {

    /**
     * The operator's file, {@code application.properties} in the working directory by default.
     * Only a system property or environment variable can set it.
     */
    Optional<Path> configFile();

    /**
     * Where the embedded PostgreSQL ({@code postgres/}) and Artemis ({@code artemis/}) keep their data,
     * and the dashboard's session key ({@code session.key}) is kept when none is configured.
     */
    @WithDefault("data")
    Path dataDir();

    Embedded embedded();

    interface Embedded {

        /** 0 picks a free port; the port in use is logged at startup. */
        @WithDefault("0")
        int postgresPort();

        /**
         * The password of the embedded PostgreSQL's {@code postgres} user. Unset, one is generated on
         * first start; either way the database's current password is kept in
         * {@code <data-dir>/postgres.password} (mode 600), and setting a different one here changes it
         * at the next start. Every connection, local or TCP, needs it.
         */
        Optional<String> postgresPassword();

        @WithDefault("127.0.0.1")
        String brokerHost();

        /** 0 picks a free port. */
        @WithDefault("61616")
        int brokerPort();

        /** The embedded broker's AMQP 1.0 port, for any AMQP client; 0 picks a free port. */
        @WithDefault("5672")
        int amqpPort();

        /**
         * The password of the hub's own user {@code switchboard} on the embedded broker. Unset, one is
         * generated on first start and kept in {@code <data-dir>/artemis.password} (mode 600).
         */
        Optional<String> brokerPassword();
    }
}
