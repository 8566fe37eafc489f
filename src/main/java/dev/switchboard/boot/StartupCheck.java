package dev.switchboard.boot;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import org.eclipse.microprofile.config.spi.ConfigSource;

import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.configuration.ConfigurationException;
import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigValue;

import dev.switchboard.core.ConfigCheck;
import dev.switchboard.core.SettingProblem;

/**
 * Runs every {@link ConfigCheck} before the embedded database and broker start: a misspelt setting
 * of the operator's file is then the first thing printed, one line each with its file and line, and
 * the hub exits, instead of a message after a hundred lines of embedded servers starting and stopping.
 */
final class StartupCheck {

    private StartupCheck() {
    }

    static void run(ConfigSourceContext context) {
        List<SettingProblem> problems = problems(new WrittenSettings("switchboard-startup-check", () -> {
            List<String> names = new java.util.ArrayList<>();
            context.iterateNames().forEachRemaining(names::add);
            return names;
        }, context::getValue), context.getProfiles(), check -> true);
        if (problems.isEmpty()) {
            return;
        }
        List<String> lines = new java.util.ArrayList<>();
        lines.add("Switchboard cannot start: " + problems.size() + " mistake(s) in its configuration");
        for (SettingProblem problem : problems) {
            lines.add(whereFrom(context, problem.setting()) + ": " + problem.message());
        }
        if (LaunchMode.current() != LaunchMode.NORMAL) {
            // Dev mode and tests run in a JVM that must outlive a failed start: fail it as Quarkus does.
            throw new ConfigurationException(String.join("\n", lines));
        }
        lines.forEach(System.err::println);
        System.err.flush();
        // Not System.exit: Quarkus's shutdown hook waits for the start this thread is in the middle
        // of, and the two would wait for each other for ever. Nothing has started yet to stop.
        Runtime.getRuntime().halt(1);
    }

    /**
     * The mistakes the checks {@code which} selects find in {@code settings}. A check of names is
     * held to the operator's file only: a name from the environment (SWITCHBOARD_REQUIRE_NODE is
     * switchboard.require.node to the configuration) is no typo of the operator's. The checks of
     * names read the settings without the values the checks of values refuse: one word where a
     * number belongs ({@code consumers=two}) failed the sources' whole mapping and hid a misspelt
     * key beside it. One mistake per setting, the first check's: {@code workers=two} is no number
     * and no count of at least 1.
     */
    static List<SettingProblem> problems(ConfigSource settings, List<String> profiles, Predicate<ConfigCheck> which) {
        Set<String> written = OperatorConfigSourceProvider.onDisk().keySet();
        List<ConfigCheck> checks = ServiceLoader.load(ConfigCheck.class).stream().map(ServiceLoader.Provider::get)
                .filter(which).toList();
        Map<ConfigCheck, List<SettingProblem>> ofValues = new HashMap<>();
        checks.stream().filter(check -> !check.judgesNames())
                .forEach(check -> ofValues.put(check, check.check(settings, profiles)));
        Set<String> refused = ofValues.values().stream().flatMap(List::stream).map(SettingProblem::setting)
                .collect(Collectors.toSet());
        ConfigSource readable = refused.isEmpty() ? settings : new Without(settings, refused);
        Set<String> named = new HashSet<>();
        return checks.stream()
                .flatMap(check -> check.judgesNames()
                        ? check.check(readable, profiles).stream().filter(problem -> written.contains(problem.setting()))
                        : ofValues.get(check).stream())
                .filter(problem -> problem.setting().isEmpty() || named.add(problem.setting()))
                .toList();
    }

    /** The settings but some: each left out reads as not set, and the mapping's default applies. */
    private record Without(ConfigSource settings, Set<String> leftOut) implements ConfigSource {

        @Override
        public Set<String> getPropertyNames() {
            Set<String> names = new HashSet<>(settings.getPropertyNames());
            names.removeAll(leftOut);
            return names;
        }

        @Override
        public String getValue(String name) {
            return leftOut.contains(name) ? null : settings.getValue(name);
        }

        /** As the settings give them (WrittenSettings gives none, to resolve no value it is not asked for). */
        @Override
        public Map<String, String> getProperties() {
            Map<String, String> properties = new HashMap<>(settings.getProperties());
            properties.keySet().removeAll(leftOut);
            return properties;
        }

        @Override
        public String getName() {
            return settings.getName();
        }

        @Override
        public int getOrdinal() {
            return settings.getOrdinal();
        }
    }

    /**
     * Where the value in force came from: the environment or a -D option, which override the
     * operator's file, else the file's line that holds the setting.
     */
    private static String whereFrom(ConfigSourceContext context, String setting) {
        ConfigValue value = context.getValue(setting);
        String source = value == null || value.getConfigSourceName() == null ? "" : value.getConfigSourceName();
        if (source.contains("EnvConfigSource")) {
            return "environment variable " + (value.getName() == null ? setting : value.getName())
                    .toUpperCase(java.util.Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
        }
        if (source.contains("SysPropConfigSource")) {
            return "system property -D" + setting;
        }
        int line = OperatorConfigSourceProvider.lineOf(setting);
        return line > 0 ? OperatorConfigSourceProvider.file() + ":" + line : source.isEmpty() ? setting : source;
    }
}
