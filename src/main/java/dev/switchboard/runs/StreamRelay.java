package dev.switchboard.runs;

import java.time.Duration;
import java.util.List;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

import dev.switchboard.core.ThrottledWarning;
import dev.switchboard.stream.Envelopes;
import dev.switchboard.stream.StreamAddresses;

/**
 * Moves accepted events from the outbox onto the stream, a batch per broker transaction: take a
 * batch (its rows locked, so other replicas' relays take others), send every envelope, commit the
 * broker transaction, then the database's, which removes the rows. A relay that dies between the
 * two commits leaves the rows, and they are sent again: the stream's idempotent consumer skips
 * the second copy. Woken by each acceptance, and polling for rows a dead replica left behind.
 */
@ApplicationScoped
public class StreamRelay {

    private static final Duration POLL = Duration.ofSeconds(1);

    @Inject
    EventLog events;

    @Inject
    ConnectionFactory broker;

    @Inject
    BatchConfig config;

    @Inject
    MeterRegistry registry;

    private final Signal work = new Signal();
    private final ThrottledWarning warning = new ThrottledWarning("Accepted events cannot be relayed to the stream");
    private volatile boolean running;
    private Thread thread;
    private Connection connection;
    private Session session;
    private MessageProducer producer;
    private DistributionSummary batchSizes;

    void start(@Observes @Priority(Interceptor.Priority.LIBRARY_AFTER) StartupEvent event) {
        batchSizes = DistributionSummary.builder("switchboard.batch.size").tag("stage", "relay")
                .description("Items written in one transaction").publishPercentileHistogram().register(registry);
        running = true;
        thread = new Thread(this::run, "switchboard-stream-relay");
        thread.setDaemon(true);
        thread.start();
    }

    void stop(@Observes ShutdownEvent event) throws InterruptedException {
        running = false;
        if (thread != null) {
            thread.interrupt();
            thread.join(5_000);
        }
        close();
    }

    /** New events are in the outbox. */
    void wakeUp() {
        work.raise();
    }

    private void run() {
        int size = config.relay().size();
        long linger = config.relay().linger().toMillis();
        while (running) {
            try {
                // Each batch is a broker transaction, its journal synced: once woken by a first
                // acceptance, let more gather behind it (a poll that timed out has nobody to wait for).
                if (relayBatch(size) < size && work.await(POLL) && linger > 0) {
                    Thread.sleep(linger);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                if (!running) {
                    return;
                }
                warning.log(e);
                close();
                try {
                    work.await(POLL);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** One batch: returns how many events went onto the stream. */
    int relayBatch(int size) {
        return QuarkusTransaction.requiringNew().call(() -> {
            List<EventLog.Outgoing> batch = events.takeForStream(size);
            if (!batch.isEmpty()) {
                send(batch);
                batchSizes.record(batch.size());
            }
            return batch.size();
        });
    }

    private void send(List<EventLog.Outgoing> batch) throws JMSException {
        open();
        try {
            for (EventLog.Outgoing event : batch) {
                TextMessage message = session.createTextMessage(event.envelope());
                // Only the envelope travels, with its id, type and source as properties for selectors.
                message.setStringProperty("ce_id", event.id().toString());
                message.setStringProperty("ce_type", event.type());
                message.setStringProperty("ce_source", event.source());
                message.setStringProperty("content_type", Envelopes.CONTENT_TYPE);
                producer.send(message);
            }
            session.commit();
        } catch (JMSException | RuntimeException e) {
            close();
            throw e;
        }
    }

    private void open() throws JMSException {
        if (session == null) {
            connection = broker.createConnection();
            session = connection.createSession(true, Session.SESSION_TRANSACTED);
            producer = session.createProducer(session.createQueue(StreamAddresses.EVENTS));
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
        }
    }

    private void close() {
        if (connection != null) {
            try {
                connection.close();
            } catch (JMSException | RuntimeException e) {
                // already broken: nothing more to release
            }
        }
        connection = null;
        session = null;
        producer = null;
    }
}
