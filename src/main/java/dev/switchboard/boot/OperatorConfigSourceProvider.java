package dev.switchboard.boot;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.spi.ConfigSource;
import org.eclipse.microprofile.config.spi.ConfigSourceProvider;

import io.quarkus.runtime.ExecutionMode;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.ConfigValidationException;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

import dev.switchboard.core.SettingProblem;

/**
 * Reads the operator's {@code application.properties} from the working directory (see {@link #file()}). Its ordinal,
 * 265, puts it above the defaults packaged in the jar (250) and Quarkus's own
 * {@code config/application.properties} (260), and below environment variables (300) and system
 * properties (400), so a Kubernetes Secret can still override what the file says.
 */
public class OperatorConfigSourceProvider implements ConfigSourceProvider {

    static final int ORDINAL = 265;

    /**
     * The operator's file: {@code ./application.properties}, or the path in the system property
     * {@code switchboard.config-file} or the environment variable {@code SWITCHBOARD_CONFIG_FILE}.
     */
    public static Path file() {
        String configured = System.getProperty("switchboard.config-file", System.getenv("SWITCHBOARD_CONFIG_FILE"));
        return Path.of(configured == null || configured.isBlank() ? "application.properties" : configured)
                .toAbsolutePath();
    }

    /**
     * The configuration as it would be if the hub started now: every source the running configuration
     * has (system properties, environment, packaged defaults, a test's overrides), with the
     * operator's file read again from disk. For the settings that take effect on reload.
     */
    public static SmallRyeConfig current(Class<?>... mappings) {
        SmallRyeConfig running = ConfigProvider.getConfig().unwrap(SmallRyeConfig.class);
        SmallRyeConfigBuilder builder = builder(running.getProfiles(), mappings);
        for (ConfigSource source : running.getConfigSources()) {
            if (!(source instanceof OperatorFile)) {
                builder.withSources(source);
            }
        }
        operatorFile().ifPresent(builder::withSources);
        return builder.build();
    }

    private static SmallRyeConfigBuilder builder(List<String> profiles, Class<?>... mappings) {
        SmallRyeConfigBuilder builder = new SmallRyeConfigBuilder().addDefaultInterceptors()
                .addDiscoveredConverters()
                // Quarkus's forms (30s, 1h): the running configuration has it, a plain builder does not.
                .withConverter(Duration.class, 200, new DurationConverter())
                .withProfiles(profiles).withValidateUnknown(false);
        for (Class<?> mapping : mappings) {
            builder.withMapping(mapping);
        }
        return builder;
    }

    /**
     * One mapping of {@link #current}, or the problems that keep it from being read (a required
     * setting missing, a value of the wrong type), each naming its setting when the message does.
     */
    public static <T> Mapped<T> mapped(Class<T> mapping) {
        return mapped(mapping, () -> current(mapping));
    }

    /** One mapping of the settings {@code source} holds, as {@link #mapped(Class)}: for a check before startup. */
    public static <T> Mapped<T> mapped(Class<T> mapping, ConfigSource source, List<String> profiles) {
        return mapped(mapping, () -> builder(profiles, mapping).withSources(source).build());
    }

    private static <T> Mapped<T> mapped(Class<T> mapping, java.util.function.Supplier<SmallRyeConfig> build) {
        try {
            SmallRyeConfig config = build.get();
            return new Mapped<>(config, config.getConfigMapping(mapping), List.of());
        } catch (ConfigValidationException e) {
            List<SettingProblem> problems = new java.util.ArrayList<>();
            for (int i = 0; i < e.getProblemCount(); i++) {
                problems.add(problem(e.getProblem(i).getMessage()));
            }
            return new Mapped<>(null, null, List.copyOf(problems));
        } catch (RuntimeException e) {
            return new Mapped<>(null, null, List.of(problem(String.valueOf(e.getMessage()))));
        }
    }

    /** A problem of the configuration as its message words it, naming the setting the message names. */
    static SettingProblem problem(String message) {
        Matcher setting = SETTING.matcher(message);
        return new SettingProblem(setting.find() ? setting.group() : "", message);
    }

    private static final Pattern SETTING = Pattern.compile("switchboard\\.[A-Za-z0-9_.\\-\\[\\]]*[A-Za-z0-9\\]]");

    /** A mapping read from the configuration as it is on disk, with the configuration it came from. */
    public record Mapped<T>(SmallRyeConfig config, T mapping, List<SettingProblem> problems) {
    }

    /**
     * The operator's file as the running configuration read it at startup: what a reload compares
     * with to tell which changed settings need a restart.
     */
    public static Map<String, String> atStartup() {
        for (ConfigSource source : ConfigProvider.getConfig().getConfigSources()) {
            if (source instanceof OperatorFile file) {
                return Map.copyOf(file.getProperties());
            }
        }
        return Map.of();
    }

    /** The operator's file as it is on disk now; empty when there is none. */
    public static Map<String, String> onDisk() {
        return operatorFile().map(file -> Map.copyOf(file.getProperties())).orElse(Map.of());
    }

    private static Optional<OperatorFile> operatorFile() {
        Path file = file();
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(new OperatorFile(file.toUri().toURL()));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
    }

    /** The operator's file as a config source, told apart from the others by its type. */
    static final class OperatorFile extends PropertiesConfigSource {
        OperatorFile(URL url) throws IOException {
            // Qualified: inside this class a bare ORDINAL is PropertiesConfigSource's own (100),
            // which put the operator's file below the jar's defaults, so they could not be changed.
            super(url, OperatorConfigSourceProvider.ORDINAL);
        }
    }

    @Override
    public Iterable<ConfigSource> getConfigSources(ClassLoader forClassLoader) {
        // The build reads configuration too, and bakes what it reads into the jar as defaults: the
        // example secrets of the file in the build's directory would then ride along everywhere.
        if (ExecutionMode.current() != ExecutionMode.RUNTIME_INIT && ExecutionMode.current() != ExecutionMode.RUNNING) {
            return List.of();
        }
        return operatorFile().<Iterable<ConfigSource>>map(List::of).orElse(List.of());
    }

    /**
     * The line of the operator's file that sets {@code key} (1-based), for an error to point at;
     * 0 when it is not set there (a default, or set elsewhere such as in the environment).
     */
    public static int lineOf(String key) {
        try {
            java.util.List<String> lines = java.nio.file.Files.readAllLines(file());
            // From the end: of a key set twice, the last line is the one in force.
            for (int i = lines.size() - 1; i >= 0; i--) {
                String line = lines.get(i).strip();
                if (line.startsWith(key) && (line.length() == key.length()
                        || "=: \t".indexOf(line.charAt(key.length())) >= 0)) {
                    return i + 1;
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            // No file to point into: the message names the setting anyway.
        }
        return 0;
    }
}
