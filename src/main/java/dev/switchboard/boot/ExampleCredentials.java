package dev.switchboard.boot;

import java.net.InetAddress;
import java.net.UnknownHostException;
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
 * who read them. On a configured database or broker, which is what production looks like, or on
 * an address other than this machine's own ({@code quarkus.http.host}), the hub does not start
 * while one is in force and names each; on the embedded default, which is for trying out and
 * listens on 127.0.0.1 only, it warns once, loudly.
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
        Config config = ConfigProvider.getConfig();
        List<String> inForce = inForce(config);
        if (inForce.isEmpty()) {
            return;
        }
        String list = String.join(", ", inForce);
        Optional<String> refusal = refusal(list, EmbeddedDatabase.isRunning() && EmbeddedBroker.isRunning(),
                config.getOptionalValue("quarkus.http.host", String.class).orElse("0.0.0.0"));
        if (refusal.isPresent()) {
            throw new ConfigurationException(refusal.get());
        }
        LOG.warnf("*** EXAMPLE CREDENTIALS IN FORCE: %s. Anyone who has read Switchboard's examples can use them."
                + " Fine for trying it out on this machine (the embedded default listens on 127.0.0.1 only); set your"
                + " own before opening it to a network. ***", list);
    }

    /**
     * Why the hub must not start with the example credentials {@code list} in force: a configured
     * database or broker, or an HTTP address others can reach; empty on the embedded default
     * listening on this machine only.
     */
    static Optional<String> refusal(String list, boolean embedded, String httpHost) {
        String advice = ". They are published with Switchboard; set your own (for example from the environment)"
                + " before running it anywhere but a laptop.";
        if (!embedded) {
            return Optional.of("Example credentials in force with a configured database or broker: " + list + advice);
        }
        if (!isLoopback(httpHost)) {
            return Optional.of("Example credentials in force while listening on " + httpHost + " (quarkus.http.host),"
                    + " where others can reach them: " + list + advice);
        }
        return Optional.empty();
    }

    private static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host.replace("[", "").replace("]", "")).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
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
