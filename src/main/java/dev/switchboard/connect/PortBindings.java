package dev.switchboard.connect;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.literal.NamedLiteral;
import jakarta.inject.Inject;


import io.smallrye.config.SmallRyeConfig;

import dev.switchboard.boot.OperatorConfigSourceProvider;
import dev.switchboard.core.Connector;
import dev.switchboard.core.Durations;
import dev.switchboard.core.PortSettings;
import dev.switchboard.core.RetryPolicy;
import dev.switchboard.core.SettingProblem;
import dev.switchboard.core.Suggestions;

/**
 * The ports as currently bound. Read from the configuration on disk at every reload, so that
 * binding a port to another system is a change of {@code application.properties} only. A reload
 * with an error, in the bindings or in the rules, keeps the previous bindings.
 */
@ApplicationScoped
public class PortBindings {

    /** Every key a reload takes a binding from. */
    public static final String PREFIX = "switchboard.ports.";

    @Inject
    @Any
    Instance<Connector> connectors;

    /**
     * Not read: the bindings come from disk at every reload. Injecting the mapping registers it,
     * so that startup rejects misspelt {@code switchboard.ports} keys with their file and line.
     */
    @Inject
    PortsConfig validatedAtStartup;

    private volatile Map<String, PortBinding> bindings = Map.of();

    public Optional<PortBinding> find(String port) {
        return Optional.ofNullable(bindings.get(port));
    }

    public Set<String> names() {
        return bindings.keySet();
    }

    public Map<String, PortBinding> all() {
        return bindings;
    }

    /**
     * Reads the bindings from disk without putting them in force: the rules are checked against
     * them first, and both take effect together or not at all (see {@link #install}).
     */
    public Reading read() {
        SmallRyeConfig config = OperatorConfigSourceProvider.current(PortsConfig.class);
        Map<String, Map<String, String>> settingsByPort = new TreeMap<>();
        config.getConfigMapping(PortsConfig.class).ports()
                .forEach((port, values) -> settingsByPort.put(port, new HashMap<>(values)));
        List<SettingProblem> problems = new ArrayList<>();
        Map<String, PortBinding> loaded = new TreeMap<>();
        settingsByPort.forEach((port, values) -> {
            try {
                loaded.put(port, bind(port, values));
            } catch (UnknownSetting e) {
                problems.add(new SettingProblem(e.setting(), "Port '" + port + "': " + e.getMessage()));
            } catch (IllegalArgumentException e) {
                // Where the port is bound: its connector line says which port, even when a setting is missing.
                problems.add(new SettingProblem("switchboard.ports." + port + ".connector", "Port '" + port + "': "
                        + e.getMessage()));
            }
        });
        return new Reading(Map.copyOf(loaded), List.copyOf(problems));
    }

    /** Puts bindings read without problems in force. */
    public void install(Reading reading) {
        bindings = reading.bindings();
    }

    /** Bindings as read from disk, and the problems that keep them from being installed. */
    public record Reading(Map<String, PortBinding> bindings, List<SettingProblem> problems) {

        public Set<String> names() {
            return bindings.keySet();
        }
    }

    /**
     * What every port may set, whatever its connector. A {@code timeout} is not among them: only
     * the connectors that can bound a call by it take one (a Kamelet's or a JMS send cannot be).
     */
    static final Set<String> COMMON_SETTINGS = Set.of("retry.max-attempts", "retry.initial-delay", "retry.max-delay");

    static void unknownSettings(String port, String connector, Set<String> keys, Set<String> known) {
        Set<String> names = new java.util.TreeSet<>(known);
        names.addAll(COMMON_SETTINGS);
        for (String key : new java.util.TreeSet<>(keys)) {
            boolean listed = names.contains(key) || names.stream().anyMatch(name -> name.endsWith(".*")
                    && key.startsWith(name.substring(0, name.length() - 1)) && key.length() > name.length() - 1);
            if (!listed) {
                throw new UnknownSetting("switchboard.ports." + port + "." + key, "unknown setting '" + key
                        + "' for the " + connector + " connector" + Suggestions.hint(key, names) + "; it takes "
                        + String.join(", ", names));
            }
        }
    }

    /** A setting the port's connector does not take; names the setting, so its line can be found. */
    public static class UnknownSetting extends IllegalArgumentException {
        private final String setting;

        UnknownSetting(String setting, String message) {
            super(message);
            this.setting = setting;
        }

        public String setting() {
            return setting;
        }
    }

    private PortBinding bind(String port, Map<String, String> values) {
        String connectorName = values.remove("connector");
        if (connectorName == null || connectorName.isBlank()) {
            throw new IllegalArgumentException("set switchboard.ports." + port + ".connector");
        }
        Instance<Connector> selected = connectors.select(NamedLiteral.of(connectorName.trim()));
        if (!selected.isResolvable()) {
            throw new IllegalArgumentException("no connector named '" + connectorName + "'");
        }
        Connector connector = selected.get();
        connector.settingNames().ifPresent(known -> unknownSettings(port, connectorName.trim(), values.keySet(), known));
        PortSettings settings = new PortSettings(port, Map.copyOf(values));
        connector.validate(settings);
        Optional<Duration> timeout = settings.get("timeout").map(Durations::parse);
        if (timeout.filter(Duration::isZero).isPresent()) {
            throw new IllegalArgumentException("timeout must be above zero: no call finishes in no time");
        }
        RetryPolicy retry = connector.defaultRetry().with(
                settings.get("retry.max-attempts").map(Integer::valueOf),
                settings.get("retry.initial-delay").map(Durations::parse),
                settings.get("retry.max-delay").map(Durations::parse));
        return new PortBinding(port, connectorName.trim(), connector, settings, retry);
    }
}
