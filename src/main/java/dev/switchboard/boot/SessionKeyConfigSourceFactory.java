package dev.switchboard.boot;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.config.spi.ConfigSource;
import org.jboss.logging.Logger;

import io.quarkus.runtime.ExecutionMode;
import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;

/**
 * Supplies the session key ({@value SessionKey#PROPERTY}) from {@code <data-dir>/session.key} when it
 * is not configured anywhere, generating the file on first start. Runs while the runtime
 * configuration is built, before the form login reads the key. The key itself is never logged,
 * only where it is kept.
 */
public class SessionKeyConfigSourceFactory implements ConfigSourceFactory {

    private static final Logger LOG = Logger.getLogger(SessionKeyConfigSourceFactory.class);

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        // The build reads configuration too, and would bake the key into the jar.
        if (ExecutionMode.current() != ExecutionMode.RUNTIME_INIT && ExecutionMode.current() != ExecutionMode.RUNNING) {
            return List.of();
        }
        if (isSet(context, SessionKey.PROPERTY)) {
            return List.of();
        }
        ConfigValue dataDir = context.getValue("switchboard.data-dir");
        Path dataDirectory = Path.of(isSet(context, "switchboard.data-dir") ? dataDir.getValue() : "data")
                .toAbsolutePath().normalize();
        SessionKey key = SessionKey.in(dataDirectory);
        String value;
        try {
            value = key.readOrCreate();
        } catch (UncheckedIOException e) {
            throw new IllegalStateException("No session key is configured and " + key.file() + " cannot be kept ("
                    + e.getCause().getMessage() + "): set " + SessionKey.PROPERTY
                    + " or make the data directory writable", e);
        }
        LOG.infof("Dashboard sessions: key kept in %s (set %s to share sessions between replicas)", key.file(),
                SessionKey.PROPERTY);
        // Below every file and the environment: a configured key always wins.
        return List.of(new PropertiesConfigSource(Map.of(SessionKey.PROPERTY, value), "switchboard-session-key", 50));
    }

    private static boolean isSet(ConfigSourceContext context, String name) {
        ConfigValue value = context.getValue(name);
        return value != null && value.getValue() != null && !value.getValue().isBlank();
    }
}
