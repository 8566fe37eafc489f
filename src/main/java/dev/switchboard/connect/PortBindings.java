package dev.switchboard.connect;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.literal.NamedLiteral;
import jakarta.inject.Inject;

import io.smallrye.config.SmallRyeConfig;

import dev.switchboard.boot.OperatorConfigSourceProvider;
import dev.switchboard.core.BoundsCheck;
import dev.switchboard.core.Connector;
import dev.switchboard.core.Durations;
import dev.switchboard.core.PortSettings;
import dev.switchboard.core.RetryPolicy;
import dev.switchboard.core.SecretMask;
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
            } catch (BadSetting e) {
                problems.add(new SettingProblem(e.setting(), "Port '" + port + "': " + SecretMask.text(e.getMessage(), values)));
            } catch (IllegalArgumentException e) {
                // Where the port is bound: its connector line says which port, even when a setting is missing.
                // A connector's check may quote a setting: masked, since the problem is logged and shown.
                problems.add(new SettingProblem("switchboard.ports." + port + ".connector", "Port '" + port + "': "
                        + SecretMask.text(e.getMessage(), values)));
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

    /** What {@link #commonSettings} reads: the common settings, and a timeout where a connector takes one. */
    static final Set<String> COMMON_VALUES = Stream.concat(COMMON_SETTINGS.stream(), Stream.of("timeout"))
            .collect(Collectors.toUnmodifiableSet());

    /** A port's retry settings, as its action's {@code retry:} overrides them. */
    public record RetrySettings(Optional<Integer> maxAttempts, Optional<Duration> initialDelay, Optional<Duration> maxDelay) {
    }

    /**
     * The settings every port may have, each refused with its own name (so with its own line):
     * a {@code timeout} of no time, a retry budget below one attempt, an initial delay longer than
     * the maximum (the budget would quietly wait longer than asked).
     */
    static RetrySettings commonSettings(String port, Map<String, String> values) {
        Optional<Duration> timeout = duration(port, values, "timeout");
        if (timeout.filter(Duration::isZero).isPresent()) {
            throw new BadSetting(setting(port, "timeout"), "timeout must be above zero: no call finishes in no time");
        }
        String attempts = values.get("retry.max-attempts");
        if (attempts != null && !BoundsCheck.isCountOfAtLeast(attempts.strip(), 1)) {
            throw new BadSetting(setting(port, "retry.max-attempts"), "retry.max-attempts must be a whole number of at"
                    + " least 1, not '" + attempts + "'");
        }
        Optional<Duration> initial = duration(port, values, "retry.initial-delay");
        Optional<Duration> max = duration(port, values, "retry.max-delay");
        if (initial.isPresent() && max.isPresent() && initial.get().compareTo(max.get()) > 0) {
            throw new BadSetting(setting(port, "retry.initial-delay"), "retry.initial-delay ("
                    + Durations.format(initial.get()) + ") is longer than retry.max-delay (" + Durations.format(max.get()) + ")");
        }
        return new RetrySettings(Optional.ofNullable(attempts).map(String::strip).map(Integer::valueOf), initial, max);
    }

    private static Optional<Duration> duration(String port, Map<String, String> values, String name) {
        try {
            return Optional.ofNullable(values.get(name)).map(Durations::parse);
        } catch (IllegalArgumentException e) {
            throw new BadSetting(setting(port, name), name + ": " + e.getMessage());
        }
    }

    private static String setting(String port, String name) {
        return "switchboard.ports." + port + "." + name;
    }

    static void unknownSettings(String port, String connector, Set<String> keys, Set<String> known) {
        Set<String> names = new java.util.TreeSet<>(known);
        names.addAll(COMMON_SETTINGS);
        for (String key : new java.util.TreeSet<>(keys)) {
            boolean listed = names.contains(key) || names.stream().anyMatch(name -> name.endsWith(".*")
                    && key.startsWith(name.substring(0, name.length() - 1)) && key.length() > name.length() - 1);
            if (!listed) {
                throw new BadSetting(setting(port, key), "unknown setting '" + key
                        + "' for the " + connector + " connector" + Suggestions.hint(key, names) + "; it takes "
                        + String.join(", ", names));
            }
        }
    }

    /** A setting of a port that cannot be taken as written; names the setting, so its line can be found. */
    public static class BadSetting extends IllegalArgumentException {
        private final String setting;

        public BadSetting(String setting, String message) {
            super(message);
            this.setting = setting;
        }

        public String setting() {
            return setting;
        }
    }

    /**
     * A port with settings and no connector: named at the setting that looks like a misspelt
     * {@code connector} ({@code conector}), or else at its first setting, the line it was meant on.
     */
    static BadSetting noConnector(String port, Set<String> keys) {
        Optional<String> near = misspeltConnector(keys);
        String named = near.orElseGet(() -> keys.stream().sorted().findFirst().orElse("connector"));
        return new BadSetting(PREFIX + port + "." + named, near.map(key -> "unknown setting '" + key
                + "' (did you mean 'connector'?); ").orElse("") + "set " + PREFIX + port + ".connector");
    }

    /** A port's setting that looks like a misspelt {@code connector}, if it has one. */
    static Optional<String> misspeltConnector(Set<String> keys) {
        return keys.stream().filter(key -> Suggestions.closest(key, Set.of("connector")).isPresent()).sorted().findFirst();
    }

    private PortBinding bind(String port, Map<String, String> values) {
        String connectorName = values.remove("connector");
        if (connectorName == null || connectorName.isBlank()) {
            throw noConnector(port, values.keySet());
        }
        Instance<Connector> selected = connectors.select(NamedLiteral.of(connectorName.trim()));
        if (!selected.isResolvable()) {
            throw new IllegalArgumentException("no connector named '" + connectorName + "'");
        }
        Connector connector = selected.get();
        connector.settingNames().ifPresent(known -> unknownSettings(port, connectorName.trim(), values.keySet(), known));
        RetrySettings common = commonSettings(port, values);
        RetryPolicy retry = connector.defaultRetry().with(common.maxAttempts(), common.initialDelay(), common.maxDelay());
        PortSettings settings = new PortSettings(port, Map.copyOf(values));
        connector.validate(settings);
        return new PortBinding(port, connectorName.trim(), connector, settings, retry);
    }
}
