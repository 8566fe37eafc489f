package dev.switchboard.ingest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.quarkus.runtime.Startup;

import dev.switchboard.core.SettingProblem;
import dev.switchboard.ingest.SourcesConfig.Destination;
import dev.switchboard.ingest.SourcesConfig.Source;
import dev.switchboard.stream.StreamAddresses;

/**
 * The queue sources of the configuration, checked at startup and at every reload: one that cannot
 * work (no address, an expression a queue message cannot answer) stops the hub, or rejects the
 * reload, with a message naming it.
 */
@Startup
@ApplicationScoped
public class QueueSources {

    private volatile Map<String, QueueSource> sources;

    @Inject
    public QueueSources(SourcesConfig config) {
        this.sources = build(config.sources());
    }

    public Map<String, QueueSource> all() {
        return sources;
    }

    /** The queue sources of a configuration read at reload, not in force yet. */
    static ConfiguredSources.Built<QueueSource> read(Map<String, Source> configured) {
        return withoutSharedAddresses(
                ConfiguredSources.read(configured, SourcesConfig.Kind.QUEUE, QueueSources::build));
    }

    /**
     * Refuses every source whose address another source also reads or parks to, or that parks where
     * another parks: two consumers on one queue would split its messages between two sources at
     * random, a topic's publishers would lose their right to send to whichever source was admitted
     * last, a parked message would come back as another source's event, and one parking queue
     * cannot say to which source its messages are replayed.
     */
    private static ConfiguredSources.Built<QueueSource> withoutSharedAddresses(ConfiguredSources.Built<QueueSource> read) {
        Map<String, QueueSource> kept = new TreeMap<>(read.sources());
        List<SettingProblem> problems = new ArrayList<>(read.problems());
        for (QueueSource source : read.sources().values()) {
            for (QueueSource other : read.sources().values()) {
                if (other == source) {
                    continue;
                }
                String clash = other.address().equals(source.address()) ? "which reads it too"
                        : other.parkedAddress().equals(source.address()) ? "which parks its unreadable messages there"
                        : null;
                if (clash != null) {
                    problems.add(shared(source, "address", source.address(), other, clash));
                } else if (other.parkedAddress().equals(source.parkedAddress())) {
                    problems.add(shared(source, "parked-address", source.parkedAddress(), other,
                            "which parks its unreadable messages there too"));
                } else {
                    continue;
                }
                kept.remove(source.name());
            }
        }
        return new ConfiguredSources.Built<>(Map.copyOf(kept), List.copyOf(problems));
    }

    private static SettingProblem shared(QueueSource source, String setting, String address, QueueSource other,
            String how) {
        return new SettingProblem("switchboard.sources." + source.name() + "." + setting, "Source '" + source.name()
                + "': " + setting + " '" + address + "' belongs to source '" + other.name() + "', " + how
                + ": give each source its own");
    }

    /** Only the list: {@link QueueSourceRoutes} starts and stops their consumers. */
    void install(Map<String, QueueSource> reloaded) {
        sources = reloaded;
    }

    static Map<String, QueueSource> build(Map<String, Source> configured) {
        return read(configured).orThrow();
    }

    private static QueueSource build(String name, Source source) {
        String address = source.address().map(String::trim).filter(a -> !a.isEmpty())
                .orElseThrow(() -> new IllegalArgumentException(
                        "a queue source needs an address: set switchboard.sources." + name + ".address"));
        StreamAddresses.requireUsers("address", address);
        if (source.signature().isPresent()) {
            throw new IllegalArgumentException("signature is for webhook sources; a queue source trusts its broker");
        }
        if (source.consumers() < 1) {
            throw new IllegalArgumentException("consumers must be at least 1");
        }
        if (source.maxBody().asLongValue() < 1) {
            throw new IllegalArgumentException("max-body must be at least 1 byte");
        }
        if (source.destination() == Destination.QUEUE && source.subscription().isPresent()) {
            throw new IllegalArgumentException("subscription is for destination=topic");
        }
        Optional<FieldExpression> eventId = source.eventId().map(QueueSources::parse);
        if (eventId.filter(FieldExpression.Literal.class::isInstance).isPresent()) {
            throw new IllegalArgumentException("event-id is property:<name> or jsonpath:<path>; a literal would make"
                    + " every message the same event");
        }
        String parked = source.parkedAddress().map(String::trim).filter(a -> !a.isEmpty())
                .orElse(address + ".parked");
        if (parked.equals(address)) {
            throw new IllegalArgumentException("parked-address must differ from address, or messages would loop");
        }
        StreamAddresses.requireUsers("parked-address", parked);
        return new QueueSource(name, address, source.destination(),
                source.subscription().orElse("switchboard." + name), eventId,
                parse(source.eventType().orElse(name)), parked, source.consumers(),
                source.maxBody().asLongValue());
    }

    private static FieldExpression parse(String spec) {
        FieldExpression expression = FieldExpression.parse(spec);
        if (expression instanceof FieldExpression.Attribute attribute && !attribute.prefix().equals("property")) {
            throw new IllegalArgumentException(attribute.prefix() + ": is for webhook sources; a queue message's"
                    + " values are property:<name> or jsonpath:<path>");
        }
        return expression;
    }
}
