package dev.switchboard.boot;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.ConfigurationException;

/**
 * The passwords and secrets of the shipped examples ({@code application.properties},
 * {@code kubernetes/secrets.example.env}) are public, so a hub still using one is open to anyone
 * who read them. On a configured database or broker, which is what production looks like, the hub
 * does not start while one is in force and names each; on the embedded default, which is for
 * trying out and listens on 127.0.0.1 only, it warns once, loudly.
 */
@ApplicationScoped
public class ExampleCredentials {

    private static final Logger LOG = Logger.getLogger(ExampleCredentials.class);

    /** What the shipped files use: {@code shop-example-secret}, {@code operator-example-password}, {@code change-me}. */
    private static final Pattern EXAMPLE = Pattern.compile(".+-example-(secret|password)|change-me");
    /** Settings that hold a credential: a source's secret(s), a user's password, a port's token, a session key. */
    private static final Pattern CREDENTIAL = Pattern.compile(
            ".*(secret|secrets|password|token|key)|quarkus\\.security\\.users\\.embedded\\.users\\..+");

    void check(@Observes StartupEvent event) {
        List<String> inForce = inForce(ConfigProvider.getConfig());
        if (inForce.isEmpty()) {
            return;
        }
        String list = String.join(", ", inForce);
        if (!EmbeddedDatabase.isRunning() || !EmbeddedBroker.isRunning()) {
            throw new ConfigurationException("Example credentials in force with a configured database or broker: "
                    + list + ". They are published with Switchboard; set your own (for example from the environment)"
                    + " before running it anywhere but a laptop.");
        }
        LOG.warnf("*** EXAMPLE CREDENTIALS IN FORCE: %s. Anyone who has read Switchboard's examples can use them."
                + " Fine for trying it out on this machine (the embedded default listens on 127.0.0.1 only); set your"
                + " own before opening it to a network. ***", list);
    }

    /** The names (never the values) of the settings that hold an example credential. */
    static List<String> inForce(Config config) {
        TreeSet<String> names = new TreeSet<>();
        for (String name : config.getPropertyNames()) {
            if (!CREDENTIAL.matcher(name.toLowerCase(Locale.ROOT)).matches()) {
                continue;
            }
            Optional<String> value = safely(config, name);
            if (value.isPresent() && isExample(value.get())) {
                names.add(name);
            }
        }
        return List.copyOf(names);
    }

    static boolean isExample(String value) {
        return Arrays.stream(value.split(",")).anyMatch(part -> EXAMPLE.matcher(part.strip()).matches());
    }

    /** A value that cannot be expanded (an unset ${VAR}) is not an example; its own check reports it. */
    private static Optional<String> safely(Config config, String name) {
        try {
            return config.getOptionalValue(name, String.class);
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
