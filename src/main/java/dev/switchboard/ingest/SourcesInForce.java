package dev.switchboard.ingest;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.config.SmallRyeConfig;

import dev.switchboard.boot.OperatorConfigSourceProvider;
import dev.switchboard.core.ReloadedSettings;
import dev.switchboard.core.SettingProblem;
import dev.switchboard.core.Suggestions;
import dev.switchboard.ingest.SourcesConfig.Kind;
import dev.switchboard.ingest.SourcesConfig.SignatureScheme;
import dev.switchboard.ingest.SourcesConfig.Source;

/**
 * The sources in force, reloaded with the rules: a webhook source added to the operator's file
 * answers at {@code /hooks/<name>} after the next reload, a queue source's consumers start, a
 * removed one's stop. CDC sources are read at startup only (their connector, slot and offsets
 * are set up then): a change to one needs a restart, and the reload says so.
 */
@ApplicationScoped
public class SourcesInForce {

    private static final String PREFIX = "switchboard.sources.";

    /** What each kind of source takes, besides {@code kind}: any other key is a mistake worth naming. */
    private static final Map<Kind, Set<String>> SETTINGS = Map.of(
            Kind.WEBHOOK, Set.of("signature", "secret", "secrets", "signature-header", "signature-prefix",
                    "signature-encoding", "tolerance", "event-id", "event-type", "max-body", "content-type"),
            Kind.QUEUE, Set.of("address", "destination", "subscription", "parked-address", "consumers",
                    "publisher-password", "event-id", "event-type", "max-body"),
            Kind.CDC, Set.of("database", "tables", "slot", "publication", "plugin-name", "snapshot-mode",
                    "event-type"));

    /**
     * What a webhook's signature scheme leaves unread: a {@code tolerance} on an hmac-sha256 source,
     * or a secret on an unsigned one, reads as a check that is not made.
     */
    private static final Map<SignatureScheme, Set<String>> UNREAD_BY_SCHEME = Map.of(
            SignatureScheme.NONE, Set.of("secret", "secrets", "signature-header", "signature-prefix",
                    "signature-encoding", "tolerance"),
            SignatureScheme.HMAC_SHA256, Set.of("tolerance"),
            SignatureScheme.GITHUB, Set.of("signature-header", "signature-prefix", "signature-encoding", "tolerance"),
            SignatureScheme.STRIPE, Set.of("signature-header", "signature-prefix", "signature-encoding"),
            SignatureScheme.STANDARD_WEBHOOKS, Set.of("signature-header", "signature-prefix", "signature-encoding"));

    @Inject
    WebhookSources webhooks;

    @Inject
    QueueSources queues;

    @Inject
    QueueSourceRoutes queueRoutes;

    /** As the hub started: the CDC sources in force, which no reload changes. */
    @Inject
    SourcesConfig atStartup;

    /** Every source in force, by name, with its kind. */
    public Map<String, Kind> kinds() {
        Map<String, Kind> kinds = new TreeMap<>();
        cdcAtStartup().forEach(name -> kinds.put(name, Kind.CDC));
        webhooks.all().keySet().forEach(name -> kinds.put(name, Kind.WEBHOOK));
        queues.all().keySet().forEach(name -> kinds.put(name, Kind.QUEUE));
        return kinds;
    }

    /**
     * Reads the sources as the operator's file says now, without putting them in force: they take
     * effect with the rules, the bindings and the rest of the reload, or not at all.
     */
    public Reading read() {
        OperatorConfigSourceProvider.Mapped<SourcesConfig> mapped = OperatorConfigSourceProvider.mapped(SourcesConfig.class);
        if (!mapped.problems().isEmpty()) {
            return new Reading(ReloadedSettings.Reading.rejected(mapped.problems()), Set.of(), cdcAtStartup());
        }
        SmallRyeConfig config = mapped.config();
        Map<String, Source> configured = mapped.mapping().sources();
        TreeSet<String> names = new TreeSet<>(cdcAtStartup());
        TreeSet<String> cdc = new TreeSet<>(cdcAtStartup());
        configured.forEach((name, source) -> (source.kind() == Kind.CDC ? cdc : names).add(name));
        List<SettingProblem> problems = new ArrayList<>(unknownSettings(config, configured));
        ConfiguredSources.Built<WebhookSource> webhookReading = webhooks.read(configured);
        ConfiguredSources.Built<QueueSource> queueReading = QueueSources.read(configured);
        problems.addAll(webhookReading.problems());
        problems.addAll(queueReading.problems());
        Runnable install = () -> {
            webhooks.install(webhookReading.sources());
            queueRoutes.install(queueReading.sources(), configured);
        };
        return new Reading(new ReloadedSettings.Reading(List.copyOf(problems), install),
                Collections.unmodifiableSortedSet(names), Collections.unmodifiableSortedSet(cdc));
    }

    /**
     * Sources as read at reload: the part of the reload they are, the names of the sources it would
     * put in force with the CDC sources that stay (logged with the reload), and the CDC sources as
     * the hub started or as the file says now.
     */
    public record Reading(ReloadedSettings.Reading settings, Set<String> names, Set<String> cdc) {

        /** Whether a change of this key takes effect at reload: a source's, unless it is a CDC source's. */
        public boolean reloads(String key) {
            if (!key.startsWith(PREFIX)) {
                return false;
            }
            Set<String> all = new TreeSet<>(names);
            all.addAll(cdc);
            return sourceOf(key, all).map(name -> !cdc.contains(name)).orElse(true);
        }
    }

    /**
     * A key under {@code switchboard.sources.<name>.} that the source's kind does not take: a typo
     * ({@code secert}) would otherwise be a setting silently not set.
     */
    static List<SettingProblem> unknownSettings(SmallRyeConfig config, Map<String, Source> configured) {
        List<SettingProblem> problems = new ArrayList<>();
        for (String key : toSet(config.getPropertyNames())) {
            String name = sourceOf(key, configured.keySet()).orElse(null);
            if (name == null) {
                continue;
            }
            String setting = key.substring(PREFIX.length() + name.length() + 1);
            Kind kind = configured.get(name).kind();
            Set<String> known = SETTINGS.get(kind);
            if (!setting.equals("kind") && !known.contains(setting)
                    && !(setting.startsWith("secrets[") && known.contains("secrets"))
                    && !(setting.startsWith("tables[") && known.contains("tables"))) {
                Set<String> all = new TreeSet<>(known);
                all.add("kind");
                problems.add(new SettingProblem(key, "Source '" + name + "': unknown setting '" + setting + "' for a "
                        + kind.name().toLowerCase() + " source" + Suggestions.hint(setting, all) + "; it takes "
                        + String.join(", ", all)));
            } else if (kind == Kind.WEBHOOK) {
                configured.get(name).signature()
                        .filter(scheme -> UNREAD_BY_SCHEME.get(scheme).contains(baseSetting(setting)))
                        .ifPresent(scheme -> problems.add(new SettingProblem(key, "Source '" + name + "': signature "
                                + schemeName(scheme) + " does not read '" + baseSetting(setting) + "'; "
                                + readers(baseSetting(setting)) + ": remove it or change the signature")));
            }
        }
        return problems;
    }

    /** {@code secrets[0]} is the setting {@code secrets}. */
    private static String baseSetting(String setting) {
        int index = setting.indexOf('[');
        return index < 0 ? setting : setting.substring(0, index);
    }

    /** Which schemes do read a setting, for the message that one does not. */
    private static String readers(String setting) {
        List<String> schemes = new ArrayList<>();
        for (SignatureScheme scheme : SignatureScheme.values()) {
            if (!UNREAD_BY_SCHEME.get(scheme).contains(setting)) {
                schemes.add(schemeName(scheme));
            }
        }
        return "only " + String.join(", ", schemes) + " read" + (schemes.size() == 1 ? "s" : "") + " it";
    }

    private static String schemeName(SignatureScheme scheme) {
        return scheme.name().toLowerCase().replace('_', '-');
    }

    /**
     * The source a {@code switchboard.sources.} key belongs to: the longest of {@code names} it is
     * under, since names may hold dots (a source db.orders is not the source db).
     */
    private static Optional<String> sourceOf(String key, Collection<String> names) {
        return names.stream().filter(name -> key.startsWith(PREFIX + name + "."))
                .max(Comparator.comparingInt(String::length));
    }

    private static Set<String> toSet(Iterable<String> names) {
        Set<String> set = new TreeSet<>();
        names.forEach(set::add);
        return set;
    }

    private Set<String> cdcAtStartup() {
        Set<String> names = new TreeSet<>();
        atStartup.sources().forEach((name, source) -> {
            if (source.kind() == Kind.CDC) {
                names.add(name);
            }
        });
        return names;
    }
}
