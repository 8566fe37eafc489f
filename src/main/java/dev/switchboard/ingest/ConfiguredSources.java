package dev.switchboard.ingest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiFunction;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import io.quarkus.runtime.configuration.ConfigurationException;

import dev.switchboard.boot.EmbeddedBroker;
import dev.switchboard.core.SettingProblem;
import dev.switchboard.ingest.SourcesConfig.Kind;
import dev.switchboard.ingest.SourcesConfig.Source;

/**
 * Builds the configured sources of one kind. Every source that cannot work is reported at once,
 * each by name: at startup it stops the hub (better than failing every delivery later), at a
 * reload it rejects the reload.
 */
public final class ConfiguredSources {

    /** A source's name becomes a path, a CloudEvent source and part of queue names: keep it plain. */
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]*");

    /** The source of the hub's own alert events, and its user on the embedded broker. */
    private static final String RESERVED = EmbeddedBroker.HUB_USER;

    private ConfiguredSources() {
    }

    /**
     * @param build makes one source, or throws {@link IllegalArgumentException} saying what is wrong
     * @throws ConfigurationException naming every source that could not be built
     */
    public static <T> Map<String, T> build(Map<String, Source> configured, Kind kind,
            BiFunction<String, Source, T> build) {
        return read(configured, kind, build).orThrow();
    }

    /** The sources of one kind that could be built, and a problem for each that could not. */
    public static <T> Built<T> read(Map<String, Source> configured, Kind kind, BiFunction<String, Source, T> build) {
        Map<String, T> built = new TreeMap<>();
        List<SettingProblem> problems = new ArrayList<>();
        configured.forEach((name, source) -> {
            if (source.kind() != kind) {
                return;
            }
            try {
                if (!NAME.matcher(name).matches()) {
                    throw new IllegalArgumentException("a source name is lower-case letters, digits, '.', '_' and '-'");
                }
                if (name.equals(RESERVED)) {
                    throw new IllegalArgumentException("'" + RESERVED + "' is the hub's own name (the source of its"
                            + " alerts, its broker user): give the source another");
                }
                built.put(name, build.apply(name, source));
            } catch (IllegalArgumentException e) {
                // Pointed at the line that makes it a source: the message names the setting at fault.
                problems.add(new SettingProblem("switchboard.sources." + name + ".kind",
                        "Source '" + name + "': " + e.getMessage()));
            }
        });
        return new Built<>(Map.copyOf(built), List.copyOf(problems));
    }

    public record Built<T>(Map<String, T> sources, List<SettingProblem> problems) {

        /**
         * The sources, at startup, where a problem stops the hub.
         *
         * @throws ConfigurationException naming every source that could not be built
         */
        public Map<String, T> orThrow() {
            if (!problems.isEmpty()) {
                throw new ConfigurationException(problems.stream().map(SettingProblem::message)
                        .collect(Collectors.joining("\n")));
            }
            return sources;
        }
    }
}
