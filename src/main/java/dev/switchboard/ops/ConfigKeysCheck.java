package dev.switchboard.ops;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import org.eclipse.microprofile.config.spi.ConfigSource;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.ConfigMappingInterface;
import io.smallrye.config.ConfigMappings;

import dev.switchboard.boot.BootConfig;
import dev.switchboard.connect.DataSources;
import dev.switchboard.connect.PortsConfig;
import dev.switchboard.core.ConfigCheck;
import dev.switchboard.core.LogConfig;
import dev.switchboard.core.SettingProblem;
import dev.switchboard.core.Suggestions;
import dev.switchboard.ingest.IngestConfig;
import dev.switchboard.ingest.SourcesConfig;
import dev.switchboard.ingest.broker.BrokerConfig;
import dev.switchboard.ingest.cdc.CdcConfig;
import dev.switchboard.ops.alerts.AlertsConfig;
import dev.switchboard.ops.web.WebConfig;
import dev.switchboard.routes.RoutesConfig;
import dev.switchboard.rules.RulesConfig;
import dev.switchboard.runs.BatchConfig;
import dev.switchboard.runs.RetentionConfig;
import dev.switchboard.runs.RunsConfig;
import dev.switchboard.stream.StreamConfig;

/**
 * A {@code switchboard.*} key that nothing reads, before anything starts: {@code switchboard.sourcs.shop.kind}
 * or {@code switchboard.runs.claim-timout} would otherwise stop startup only after the embedded
 * servers' log, or (under a map such as ports) be silently not set. Named with the closest key that
 * exists. Keys of sources are left to {@code ingest.SourcesCheck}, which knows each kind's.
 */
public class ConfigKeysCheck implements ConfigCheck {

    /** Every mapping of {@code switchboard.*}: ConfigurationReferenceTest fails when one is missing. */
    public static final List<Class<?>> MAPPINGS = List.of(AlertsConfig.class, BatchConfig.class, BootConfig.class,
            BrokerConfig.class, CdcConfig.class, DataSources.Config.class, IngestConfig.class, LogConfig.class,
            PortsConfig.class, RetentionConfig.class, RoutesConfig.class, RulesConfig.class, RunsConfig.class, SourcesConfig.class,
            StreamConfig.class, WebConfig.class);

    /** Read outside any mapping: the system property naming the operator's file. */
    private static final Set<String> UNMAPPED = Set.of("switchboard.config-file");

    private static final String SOURCES = "switchboard.sources.";

    @Override
    public boolean atReload() {
        return true;
    }

    @Override
    public List<SettingProblem> check(ConfigSource settings, List<String> profiles) {
        List<String> known = known();
        List<Pattern> patterns = known.stream().map(ConfigKeysCheck::pattern).toList();
        List<SettingProblem> problems = new ArrayList<>();
        for (String key : new TreeSet<>(settings.getPropertyNames())) {
            if (!key.startsWith("switchboard.") || key.startsWith(SOURCES) || UNMAPPED.contains(key)
                    || patterns.stream().anyMatch(pattern -> pattern.matcher(key).matches())) {
                continue;
            }
            problems.add(new SettingProblem(key, "unknown setting '" + key + "'" + Suggestions.hint(key,
                    known.stream().map(template -> instance(template, key)).toList())
                    + ": nothing reads it (docs/configuration.md lists every setting)"));
        }
        return problems;
    }

    /** The keys of every mapping, {@code *} standing for a map's key or a list's index. */
    static List<String> known() {
        return List.copyOf(properties().keySet());
    }

    /**
     * The properties of every mapping, by key ({@code *} standing for a map's key or a list's index):
     * read from the mappings once, not at every start and reload of each check that needs them.
     */
    static Map<String, ConfigMappingInterface.Property> properties() {
        return Properties.ALL;
    }

    /**
     * The keys whose single value is of a type {@code type} accepts, as patterns ({@link #pattern}),
     * with that type: what the checks of values by type (durations, choices, numbers) judge.
     */
    static Map<Pattern, Class<?>> keysOfType(java.util.function.Predicate<Class<?>> type) {
        Map<Pattern, Class<?>> keys = new java.util.LinkedHashMap<>();
        properties().forEach((key, property) -> {
            // A setting read by a converter of its own is that converter's to judge.
            Class<?> raw = property.isPrimitive() ? property.asPrimitive().getPrimitiveType()
                    : property.isLeaf() && !property.asLeaf().hasConvertWith() ? property.asLeaf().getValueRawType() : null;
            if (raw != null && type.test(raw)) {
                keys.put(pattern(key), raw);
            }
        });
        return keys;
    }

    /** Read on first use (the holder idiom): the mappings do not change while the hub runs. */
    private static final class Properties {
        static final Map<String, ConfigMappingInterface.Property> ALL = read();

        private static Map<String, ConfigMappingInterface.Property> read() {
            Map<String, ConfigMappingInterface.Property> properties = new java.util.LinkedHashMap<>();
            for (Class<?> mapping : MAPPINGS) {
                String prefix = mapping.getAnnotation(ConfigMapping.class).prefix();
                properties.putAll(ConfigMappings.getProperties(new ConfigMappings.ConfigClass(mapping, prefix)));
            }
            return java.util.Collections.unmodifiableMap(properties);
        }
    }

    /** A {@code *} is one segment (a map's key, a list's index); a last {@code *} is the rest, dots and all. */
    static Pattern pattern(String template) {
        StringBuilder regex = new StringBuilder();
        String[] parts = template.split("\\*", -1);
        for (int i = 0; i < parts.length; i++) {
            regex.append(Pattern.quote(parts[i]));
            if (i < parts.length - 1) {
                regex.append(i == parts.length - 2 && parts[i + 1].isEmpty() ? ".+" : "(?:[^.\\[\\]\"]+|\"[^\"]+\")");
            }
        }
        return Pattern.compile(regex.toString());
    }

    /** The template with each {@code *} replaced by the typed key's segment at that place: what a typo is compared with. */
    private static String instance(String template, String typed) {
        String[] want = template.split("\\.");
        String[] have = typed.split("\\.");
        StringBuilder instance = new StringBuilder();
        for (int i = 0; i < want.length; i++) {
            String part = want[i].equals("*") && i < have.length ? have[i] : want[i];
            instance.append(i == 0 ? "" : ".").append(part);
        }
        return instance.toString();
    }
}
