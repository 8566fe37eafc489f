package dev.switchboard.runs;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.interceptor.Interceptor;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;

import org.jboss.logging.Logger;

import io.cloudevents.CloudEvent;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

import dev.switchboard.connect.Excerpts;
import dev.switchboard.core.DatabaseErrors;
import dev.switchboard.core.ExchangeKeys;
import dev.switchboard.core.StartupGate;
import dev.switchboard.core.ThrottledWarning;
import dev.switchboard.core.Tracing;
import dev.switchboard.rules.Evaluation;
import dev.switchboard.rules.ModelRunner;
import dev.switchboard.rules.RuleEvaluator;
import dev.switchboard.stream.Envelopes;
import dev.switchboard.stream.StreamAddresses;
import dev.switchboard.stream.StreamConfig;

/**
 * Consumes the stream in batches: up to {@code switchboard.batch.stream.size} messages per
 * transacted JMS session, the rules judged outside any transaction, then one database transaction
 * for the batch's idempotency keys, event states and planned runs, and the messages acknowledged
 * after that commit. Camel's JMS consumer takes one message per transaction, which made the
 * stream cost a database and a broker commit per event; no Camel component batches a transacted
 * consumer, so this one is plain JMS.
 *
 * <p>A message seen before (its event id is in the {@code stream} idempotency scope) changes
 * nothing. A message that is not a CloudEvent, or whose event the database refuses as data, is
 * parked on {@link StreamAddresses#PARKED} with the reason, in the same broker transaction, and its
 * neighbours are processed: a batch refused for its data is written again event by event. An
 * event whose SQL model's database is away waits alone: a copy of its message goes back on the
 * stream after a delay, in the same broker transaction, and its neighbours are recorded. An outage
 * of the hub's own database rolls the whole batch back for the broker to redeliver.
 *
 * <p>Takes nothing before the {@link StartupGate} opens (rules, models and bindings loaded), so
 * that nothing is judged by an empty rule set: a backlog waits on the stream meanwhile.
 */
@ApplicationScoped
public class StreamConsumer {

    private static final Logger LOG = Logger.getLogger(StreamConsumer.class);
    private static final Duration RECEIVE = Duration.ofSeconds(1);
    private static final Duration BACKOFF = Duration.ofSeconds(1);
    /** How many times a message came back because its model's database was away. */
    static final String POSTPONED = "switchboard_postponed";
    private static final Duration LONGEST_POSTPONEMENT = Duration.ofMinutes(1);
    static final AttributeKey<List<String>> RULES_MATCHED = AttributeKey.stringArrayKey("switchboard.rules.matched");
    static final AttributeKey<List<String>> MODELS_ASKED = AttributeKey.stringArrayKey("switchboard.models.asked");
    static final AttributeKey<List<String>> RULES_DECLINED_BY_MODEL =
            AttributeKey.stringArrayKey("switchboard.rules.declined_by_model");

    @Inject
    ConnectionFactory broker;

    @Inject
    StreamConfig streamConfig;

    @Inject
    BatchConfig batchConfig;

    @Inject
    RuleEvaluator evaluator;

    @Inject
    EventLog events;

    @Inject
    RunLedger ledger;

    @Inject
    @Named("streamMessages")
    DatabaseIdempotentRepository seen;

    @Inject
    RunDispatcher dispatcher;

    @Inject
    RunMetrics metrics;

    @Inject
    MeterRegistry registry;

    @Inject
    StartupGate gate;

    @Inject
    Tracer tracer;

    private final ThrottledWarning warning = new ThrottledWarning("The stream cannot be consumed");
    private final ThrottledWarning modelAway = new ThrottledWarning("Events wait for their model's database");
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicInteger connected = new AtomicInteger();
    private volatile boolean running;
    private DistributionSummary batchSizes;

    void start(@Observes @Priority(Interceptor.Priority.LIBRARY_AFTER) StartupEvent event) {
        batchSizes = DistributionSummary.builder("switchboard.batch.size").tag("stage", "stream")
                .description("Items written in one transaction").publishPercentileHistogram().register(registry);
        running = true;
        for (int i = 0; i < streamConfig.consumers(); i++) {
            Thread thread = new Thread(this::consume, "switchboard-stream-" + i);
            thread.setDaemon(true);
            thread.start();
            threads.add(thread);
        }
    }

    void stop(@Observes ShutdownEvent event) throws InterruptedException {
        running = false;
        for (Thread thread : threads) {
            thread.join(RECEIVE.toMillis() + 5_000);
        }
    }

    /** Consumers of this replica connected to the broker now. */
    public int connectedConsumers() {
        return connected.get();
    }

    /** Consumers this replica runs when the broker is reachable. */
    public int configuredConsumers() {
        return streamConfig.consumers();
    }

    /** One consumer: its own connection and transacted session, opened again after a failure. */
    private void consume() {
        if (!awaitGate()) {
            return;
        }
        while (running) {
            try (Connection connection = broker.createConnection()) {
                // A lost connection is reported here, while a consumer may only see receives come back empty.
                AtomicBoolean lost = new AtomicBoolean();
                connection.setExceptionListener(failure -> lost.set(true));
                Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
                MessageConsumer consumer = session.createConsumer(session.createQueue(StreamAddresses.EVENTS));
                MessageProducer parking = session.createProducer(session.createQueue(StreamAddresses.PARKED));
                MessageProducer again = session.createProducer(session.createQueue(StreamAddresses.EVENTS));
                connection.start();
                connected.incrementAndGet();
                try {
                    while (running && !lost.get()) {
                        List<Message> batch = receive(consumer, RECEIVE, batchConfig.stream().size(),
                                batchConfig.stream().linger());
                        if (!batch.isEmpty()) {
                            process(batch, session, parking, again);
                        }
                    }
                } finally {
                    connected.decrementAndGet();
                }
            } catch (Exception e) {
                if (running) {
                    warning.log(e);
                    sleep(BACKOFF);
                }
            }
        }
    }

    /** Waits for the gate (not connected meanwhile); false when the hub stops first. */
    private boolean awaitGate() {
        try {
            while (running) {
                if (gate.await(RECEIVE)) {
                    return true;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }

    /**
     * The first message waits up to {@code firstWait}; the rest are what arrives until the linger
     * after the first has passed (what is there already, without one), up to {@code size}.
     */
    static List<Message> receive(MessageConsumer consumer, Duration firstWait, int size, Duration linger)
            throws JMSException {
        List<Message> batch = new ArrayList<>();
        Message first = consumer.receive(firstWait.toMillis());
        if (first == null) {
            return batch;
        }
        batch.add(first);
        long closes = System.nanoTime() + linger.toNanos();
        while (batch.size() < size) {
            long left = TimeUnit.NANOSECONDS.toMillis(closes - System.nanoTime());
            // receive(0) would wait for ever
            Message next = left > 0 ? consumer.receive(left) : consumer.receiveNoWait();
            if (next == null) {
                break;
            }
            batch.add(next);
        }
        return batch;
    }

    private void process(List<Message> batch, Session session, MessageProducer parking, MessageProducer again)
            throws JMSException {
        List<Judged> judged = new ArrayList<>(batch.size());
        List<Span> spans = new ArrayList<>(batch.size());
        try {
            for (Message message : batch) {
                try {
                    byte[] envelope = bodyOf(message);
                    CloudEvent event = Envelopes.deserialize(envelope);
                    requireEventId(event);
                    Span span = consumeSpan(event);
                    spans.add(span);
                    // Rules and their SQL models are read outside the transaction that records the result.
                    Evaluation evaluation;
                    try (Scope scope = span.makeCurrent()) {
                        evaluation = evaluator.evaluate(event);
                    } catch (ModelRunner.ModelException away) {
                        // Only a failure a later try may mend reaches here (RuleEvaluator): the event
                        // stays RECEIVED and comes back; the batch goes on without it.
                        modelAway.log(away);
                        Tracing.failed(span, "not judged, back on the stream: " + away.getMessage());
                        postpone(again, session, message, envelope);
                        registry.counter("switchboard.stream.postponed").increment();
                        continue;
                    }
                    describe(span, evaluation);
                    judged.add(new Judged(message, new EventLog.Judged(event,
                            new String(envelope, StandardCharsets.UTF_8), evaluation,
                            Tracing.traceparent(span).orElse(null))));
                } catch (Envelopes.UnreadableEnvelopeException | IllegalArgumentException e) {
                    // A CloudEvent the hub could not have written (a foreign publisher's): an id that
                    // is no event id, data that is not the JSON its content type says. Rolled back, it
                    // would come back for ever and take its batch's neighbours with it.
                    park(session, parking, message, "unreadable", e.getMessage());
                }
            }
            recordAndCommit(batch, judged, session, parking);
        } catch (JMSException | RuntimeException e) {
            spans.forEach(span -> Tracing.failed(span, "not recorded, the batch goes back to the stream: "
                    + e.getMessage()));
            throw e;
        } finally {
            spans.forEach(Span::end);
        }
    }

    /** The span of one event's consumption, in the event's trace (its acceptance's, from the envelope). */
    private Span consumeSpan(CloudEvent event) {
        return tracer.spanBuilder("consume " + event.getType())
                .setParent(Tracing.of(Tracing.traceparent(event)))
                .setSpanKind(SpanKind.CONSUMER)
                .setAttribute("switchboard.event.id", event.getId())
                .setAttribute("switchboard.source", event.getSource().toString())
                .setAttribute("switchboard.event.type", event.getType())
                .startSpan();
    }

    private static void describe(Span span, Evaluation evaluation) {
        span.setAttribute(RULES_MATCHED, evaluation.matchedRuleIds());
        span.setAttribute(MODELS_ASKED, evaluation.modelsAsked());
        span.setAttribute(RULES_DECLINED_BY_MODEL, evaluation.declinedByModel());
        if (!evaluation.failures().isEmpty()) {
            Tracing.failed(span, String.join("; ", evaluation.failures()));
        }
    }

    private void recordAndCommit(List<Message> batch, List<Judged> judged, Session session, MessageProducer parking)
            throws JMSException {
        try {
            record(judged);
        } catch (RuntimeException e) {
            if (!DatabaseErrors.isBadData(e)) {
                session.rollback();
                throw e;
            }
            // One event's data spoiled the batch: each of the others is recorded on its own.
            for (Judged one : judged) {
                try {
                    record(List.of(one));
                } catch (RuntimeException single) {
                    if (!DatabaseErrors.isBadData(single)) {
                        session.rollback();
                        throw single;
                    }
                    String reason = "the database refused the event: " + DatabaseErrors.reason(single);
                    park(session, parking, one.message(), "refused-by-database", reason);
                    markFailed(one, reason);
                }
            }
        }
        // The runs are committed: they can be claimed while the broker syncs the acknowledgement.
        // Should that fail, the batch comes again and its events are seen before, planning nothing.
        dispatcher.wakeUp();
        session.commit();
        batchSizes.record(batch.size());
    }

    /** Every event the hub accepts has a UUID for its id (the event table's key). */
    private static void requireEventId(CloudEvent event) {
        try {
            UUID.fromString(event.getId());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the event id '" + Excerpts.of(event.getId())
                    + "' is not one the hub gives (a UUID): only the hub publishes to the stream", e);
        }
    }

    /** One transaction: the batch's new events are judged and their runs planned; copies seen before change nothing. */
    private void record(List<Judged> batch) {
        List<EventLog.Judged> fresh = QuarkusTransaction.requiringNew().call(() -> {
            Set<String> unseen = seen.addAll(batch.stream().map(one -> one.judged().event().getId()).toList());
            Set<String> taken = new HashSet<>();
            List<EventLog.Judged> first = new ArrayList<>();
            for (Judged one : batch) {
                String id = one.judged().event().getId();
                if (unseen.contains(id) && taken.add(id)) {
                    first.add(one.judged());
                }
            }
            events.recordJudged(first);
            ledger.plan(first);
            return first;
        });
        fresh.forEach(one -> metrics.event(one.event().getSource().toString(), one.state().name().toLowerCase()));
        // A copy is normal after a relay died between its two commits; many say something is wrong.
        registry.counter("switchboard.stream.duplicates").increment(batch.size() - fresh.size());
    }

    private void markFailed(Judged one, String reason) {
        try {
            events.recordParked(UUID.fromString(one.judged().event().getId()), reason);
        } catch (RuntimeException e) {
            // The event may not exist at all (a message published straight to the stream).
            LOG.debugf("Event %s not marked failed: %s", one.judged().event().getId(), e.getMessage());
        }
    }

    /**
     * A copy of the message, with the reason, on the parked queue; committed with the batch, and
     * counted by kind ({@code switchboard_stream_parked_total{reason}}).
     */
    private void park(Session session, MessageProducer parking, Message message, String kind, String reason)
            throws JMSException {
        registry.counter("switchboard.stream.parked", "reason", kind).increment();
        LOG.warnf("Stream message parked on %s: %s", StreamAddresses.PARKED, reason);
        TextMessage letter = session.createTextMessage(new String(bodyOf(message), StandardCharsets.UTF_8));
        letter.setStringProperty(ExchangeKeys.PARKED_REASON, reason);
        parking.send(letter);
    }

    /**
     * A copy of the message, properties and all, back on the stream after a delay that doubles with
     * each return (1 s, 2 s, ... up to a minute); the original is acknowledged with its batch, in the
     * same broker transaction, so the event is on the stream once whatever happens.
     */
    private static void postpone(MessageProducer again, Session session, Message message, byte[] envelope)
            throws JMSException {
        int times = message.propertyExists(POSTPONED) ? message.getIntProperty(POSTPONED) : 0;
        TextMessage copy = session.createTextMessage(new String(envelope, StandardCharsets.UTF_8));
        for (Enumeration<?> names = message.getPropertyNames(); names.hasMoreElements();) {
            String name = (String) names.nextElement();
            // Not the broker's own (delivery counts, routing), which belong to the original.
            if (!name.startsWith("JMS") && !name.startsWith("_AMQ")) {
                copy.setObjectProperty(name, message.getObjectProperty(name));
            }
        }
        copy.setIntProperty(POSTPONED, times + 1);
        again.setDeliveryDelay(Math.min(LONGEST_POSTPONEMENT.toMillis(), 1_000L << Math.min(times, 6)));
        again.send(copy);
    }

    private static byte[] bodyOf(Message message) throws JMSException {
        if (message instanceof TextMessage text) {
            String body = text.getText();
            return body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        }
        if (message instanceof BytesMessage bytes) {
            byte[] body = new byte[(int) bytes.getBodyLength()];
            bytes.readBytes(body);
            return body;
        }
        return new byte[0];
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private record Judged(Message message, EventLog.Judged judged) {
    }
}
