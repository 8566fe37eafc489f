package dev.switchboard.ingest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiFunction;
import java.util.regex.Pattern;

import io.quarkus.runtime.configuration.ConfigurationException;

import dev.switchboard.ingest.SourcesConfig.Kind;
import dev.switchboard.ingest.SourcesConfig.Source;

/**
 * Builds the configured sources of one kind at startup. Every source that cannot work is reported
 * at once, each by name, and stops the hub: better than failing every delivery later.
 */
public final class ConfiguredSources {

    /** A source's name becomes a path, a CloudEvent source and part of queue names: keep it plain. */
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]*");

    private ConfiguredSources() {
    }

    /**
     * @param build makes one source, or throws {@link IllegalArgumentException} saying what is wrong
     * @throws ConfigurationException naming every source that could not be built
     */
    public static <T> Map<String, T> build(Map<String, Source> configured, Kind kind,
            BiFunction<String, Source, T> build) {
        Map<String, T> built = new TreeMap<>();
        List<String> errors = new ArrayList<>();
        configured.forEach((name, source) -> {
            if (source.kind() != kind) {
                return;
            }
            try {
                if (!NAME.matcher(name).matches()) {
                    throw new IllegalArgumentException("a source name is lower-case letters, digits, '.', '_' and '-'");
                }
                built.put(name, build.apply(name, source));
            } catch (IllegalArgumentException e) {
                errors.add("Source '" + name + "': " + e.getMessage());
            }
        });
        if (!errors.isEmpty()) {
            throw new ConfigurationException(String.join("\n", errors));
        }
        return built;
    }
}
