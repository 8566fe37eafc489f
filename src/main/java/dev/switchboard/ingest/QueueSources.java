package dev.switchboard.ingest;

import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.quarkus.runtime.Startup;

import dev.switchboard.ingest.SourcesConfig.Destination;
import dev.switchboard.ingest.SourcesConfig.Source;

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
        return ConfiguredSources.read(configured, SourcesConfig.Kind.QUEUE, QueueSources::build);
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
        if (source.signature().isPresent()) {
            throw new IllegalArgumentException("signature is for webhook sources; a queue source trusts its broker");
        }
        if (source.consumers() < 1) {
            throw new IllegalArgumentException("consumers must be at least 1");
        }
        if (source.destination() == Destination.QUEUE && source.subscription().isPresent()) {
            throw new IllegalArgumentException("subscription is for destination=topic");
        }
        Optional<FieldExpression> eventId = source.eventId().map(QueueSources::parse);
        if (eventId.filter(FieldExpression.Literal.class::isInstance).isPresent()) {
            throw new IllegalArgumentException("event-id is property:<name> or jsonpath:<path>; a literal would make"
                    + " every message the same event");
        }
        String deadLetters = source.deadLetterAddress().map(String::trim).filter(a -> !a.isEmpty())
                .orElse(address + ".dead");
        if (deadLetters.equals(address)) {
            throw new IllegalArgumentException("dead-letter-address must differ from address, or messages would loop");
        }
        return new QueueSource(name, address, source.destination(),
                source.subscription().orElse("switchboard." + name), eventId,
                parse(source.eventType().orElse(name)), deadLetters, source.consumers());
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
