package dev.switchboard.boot;

import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.function.Predicate;

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
     * switchboard.require.node to the configuration) is no typo of the operator's.
     */
    static List<SettingProblem> problems(ConfigSource settings, List<String> profiles, Predicate<ConfigCheck> which) {
        Set<String> written = OperatorConfigSourceProvider.onDisk().keySet();
        return ServiceLoader.load(ConfigCheck.class).stream().map(ServiceLoader.Provider::get).filter(which)
                .flatMap(check -> check.check(settings, profiles).stream()
                        .filter(problem -> !check.judgesNames() || written.contains(problem.setting())))
                .toList();
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
