package dev.switchboard.boot;

import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;

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
        ConfigSource settings = new ContextSettings(context);
        // Only what the operator's file says: a name from the environment (SWITCHBOARD_REQUIRE_NODE
        // is switchboard.require.node to the configuration) is no typo of the operator's.
        Set<String> written = OperatorConfigSourceProvider.onDisk().keySet();
        List<SettingProblem> problems = ServiceLoader.load(ConfigCheck.class).stream()
                .flatMap(check -> check.get().check(settings, context.getProfiles()).stream())
                .filter(problem -> written.contains(problem.setting())).toList();
        if (problems.isEmpty()) {
            return;
        }
        List<String> lines = new java.util.ArrayList<>();
        lines.add("Switchboard cannot start: " + problems.size() + " mistake(s) in its configuration");
        for (SettingProblem problem : problems) {
            int line = OperatorConfigSourceProvider.lineOf(problem.setting());
            lines.add((line > 0 ? OperatorConfigSourceProvider.file() + ":" + line + ": " : "") + problem.message());
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

    /** The configuration being built, as one source: every file, the environment and system properties. */
    private static final class ContextSettings implements ConfigSource {

        private final ConfigSourceContext context;

        ContextSettings(ConfigSourceContext context) {
            this.context = context;
        }

        @Override
        public Set<String> getPropertyNames() {
            Set<String> names = new TreeSet<>();
            context.iterateNames().forEachRemaining(names::add);
            return names;
        }

        @Override
        public Map<String, String> getProperties() {
            return Map.of();
        }

        @Override
        public String getValue(String name) {
            ConfigValue value = context.getValue(name);
            return value == null ? null : value.getValue();
        }

        @Override
        public String getName() {
            return "switchboard-startup-check";
        }
    }
}
