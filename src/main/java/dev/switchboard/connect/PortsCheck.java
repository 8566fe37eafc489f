package dev.switchboard.connect;

import static dev.switchboard.connect.PortBindings.PREFIX;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.eclipse.microprofile.config.spi.ConfigSource;

import dev.switchboard.connect.http.HttpConnector;
import dev.switchboard.connect.jms.JmsConnector;
import dev.switchboard.connect.kamelet.KameletConnector;
import dev.switchboard.connect.log.LogConnector;
import dev.switchboard.connect.mail.MailConnector;
import dev.switchboard.connect.sql.SqlConnector;
import dev.switchboard.core.ConfigCheck;
import dev.switchboard.core.SettingProblem;

/**
 * A setting a port's built-in connector does not take ({@code switchboard.ports.ledger.ulr}), and a
 * timeout or retry budget no port can have, before anything starts, as the first load of the
 * bindings names them. A project's own connector
 * is a CDI bean, known only once the hub runs: its ports are checked at that first load.
 */
public class PortsCheck implements ConfigCheck {

    /** The built-in connectors by the name a port binds them with. */
    static final Map<String, Set<String>> BUILT_IN = Map.of("http", HttpConnector.SETTINGS, "jms", JmsConnector.SETTINGS,
            "kamelet", KameletConnector.SETTINGS, "log", LogConnector.SETTINGS, "mail", MailConnector.SETTINGS,
            "sql", SqlConnector.SETTINGS);

    @Override
    public List<SettingProblem> check(ConfigSource settings, List<String> profiles) {
        Map<String, Set<String>> keysByPort = new TreeMap<>();
        for (String key : settings.getPropertyNames()) {
            if (key.startsWith(PREFIX) && key.indexOf('.', PREFIX.length()) > 0) {
                String port = key.substring(PREFIX.length(), key.indexOf('.', PREFIX.length()));
                keysByPort.computeIfAbsent(port, name -> new TreeSet<>()).add(key.substring(PREFIX.length() + port.length() + 1));
            }
        }
        List<SettingProblem> problems = new ArrayList<>();
        keysByPort.forEach((port, keys) -> {
            try {
                check(settings, port, keys);
            } catch (PortBindings.BadSetting e) {
                problems.add(new SettingProblem(e.setting(), "Port '" + port + "': " + e.getMessage()));
            }
        });
        return problems;
    }

    /** One port's settings ({@code keys}, without the port's prefix), throwing their first mistake. */
    private static void check(ConfigSource settings, String port, Set<String> keys) {
        String connector = settings.getValue(PREFIX + port + ".connector");
        if (connector == null) {
            // Only a misspelt one is certain here: the connector may come from another source.
            if (PortBindings.misspeltConnector(keys).isPresent()) {
                throw PortBindings.noConnector(port, keys);
            }
            return;
        }
        Set<String> known = BUILT_IN.get(connector.trim());
        if (known == null) {
            return;
        }
        keys.remove("connector");
        // Only what commonSettings reads: other values (a password as ${…}) are not this check's to resolve.
        Map<String, String> values = new HashMap<>();
        PortBindings.COMMON_VALUES.stream().filter(keys::contains)
                .forEach(key -> values.put(key, settings.getValue(PREFIX + port + "." + key)));
        PortBindings.unknownSettings(port, connector.trim(), keys, known);
        PortBindings.commonSettings(port, values);
    }
}
