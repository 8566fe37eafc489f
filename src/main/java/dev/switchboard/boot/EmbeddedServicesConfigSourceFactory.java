package dev.switchboard.boot;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.eclipse.microprofile.config.spi.ConfigSource;

import io.quarkus.runtime.ExecutionMode;
import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;

/**
 * The embedded default. When no database URL ({@code quarkus.datasource.jdbc.url}) or no broker
 * URL ({@code quarkus.artemis.url}) is configured anywhere, starts an embedded PostgreSQL or
 * Artemis broker and supplies its URL and credentials. This runs while the runtime configuration is built, which
 * is before the datasource, Flyway and Camel read it.
 */
public class EmbeddedServicesConfigSourceFactory implements ConfigSourceFactory {

    static final String JDBC_URL = "quarkus.datasource.jdbc.url";
    static final String BROKER_URL = "quarkus.artemis.url";

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        // The build also reads configuration, and would bake whatever URL it saw into the jar.
        if (ExecutionMode.current() != ExecutionMode.RUNTIME_INIT && ExecutionMode.current() != ExecutionMode.RUNNING) {
            return List.of();
        }
        // Before anything starts: a mistake is then the first thing printed, not the hundredth line.
        StartupCheck.run(context);
        Path dataDirectory = Path.of(valueOf(context, "switchboard.data-dir", "data")).toAbsolutePath().normalize();
        Map<String, String> supplied = new HashMap<>();
        if (isAbsent(context, JDBC_URL) || isAbsent(context, BROKER_URL)) {
            // Before the first start: a broker that fails to start must not leave the database
            // it started after running on, an orphan holding its port and data folder.
            EmbeddedServicesLifecycle.stopAtExitIfNeverStarted();
        }
        if (isAbsent(context, JDBC_URL)) {
            int port = Integer.parseInt(valueOf(context, "switchboard.embedded.postgres-port", "0"));
            Optional<String> password = optionalValueOf(context, "switchboard.embedded.postgres-password");
            supplied.put(JDBC_URL, EmbeddedDatabase.start(dataDirectory.resolve("postgres"), port, password));
            supplied.put("quarkus.datasource.username", EmbeddedDatabase.USER);
            supplied.put("quarkus.datasource.password", EmbeddedDatabase.password());
        }
        if (isAbsent(context, BROKER_URL)) {
            String host = valueOf(context, "switchboard.embedded.broker-host", "127.0.0.1");
            int port = Integer.parseInt(valueOf(context, "switchboard.embedded.broker-port", "61616"));
            int amqpPort = Integer.parseInt(valueOf(context, "switchboard.embedded.amqp-port", "5672"));
            Optional<String> password = optionalValueOf(context, "switchboard.embedded.broker-password");
            supplied.put(BROKER_URL, EmbeddedBroker.start(dataDirectory.resolve("artemis"), host, port, amqpPort, password));
            supplied.put("quarkus.artemis.username", EmbeddedBroker.HUB_USER);
            supplied.put("quarkus.artemis.password", EmbeddedBroker.hubPassword());
        }
        if (supplied.containsKey(JDBC_URL) && supplied.containsKey(BROKER_URL)) {
            // The embedded default is for trying out, with the examples' public credentials: it
            // answers this machine only, unless quarkus.http.host says otherwise.
            supplied.put("quarkus.http.host", "127.0.0.1");
        }
        // Below every file and the environment: these are only defaults for what nobody set.
        return List.of(new PropertiesConfigSource(supplied, "switchboard-embedded-services", 50));
    }

    private static boolean isAbsent(ConfigSourceContext context, String name) {
        ConfigValue value = context.getValue(name);
        return value == null || value.getValue() == null || value.getValue().isBlank();
    }

    private static String valueOf(ConfigSourceContext context, String name, String fallback) {
        return optionalValueOf(context, name).orElse(fallback);
    }

    private static Optional<String> optionalValueOf(ConfigSourceContext context, String name) {
        return isAbsent(context, name) ? Optional.empty() : Optional.of(context.getValue(name).getValue());
    }
}
