package dev.switchboard.runs;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

import org.apache.camel.Exchange;
import org.apache.camel.spi.IdempotentRepository;

import io.cloudevents.CloudEvent;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;

import dev.switchboard.stream.Envelopes;

/**
 * The idempotent repository of {@link AcceptRoute} ({@code direct:switchboard-accept}): adding a delivery's key stores
 * its event. Concurrent acceptances share one transaction ({@link GroupCommit}): their keys, their
 * events and the events' outbox rows are written together, and each caller returns only once that
 * transaction has committed, true for a new delivery, false for one seen before. A second copy of
 * a delivery in the same batch is a duplicate of the first, answered after the first's commit.
 * When the commit fails, every caller of the batch gets the failure and nothing of it is kept.
 *
 * <p>The broker is not part of the acceptance: the relay ({@link StreamRelay}) moves committed
 * events onto the stream, so a failed batch means nothing was accepted, and a 202 that the event
 * will reach the stream even if this replica dies right after answering. A batch that has not
 * committed within {@link #COMMIT_WAIT} may still commit: its callers are told the outcome is
 * unknown ({@link dev.switchboard.core.UnconfirmedException}), and a retry finds out by its key.
 */
@Singleton
@Named(Acceptance.NAME)
public class Acceptance implements IdempotentRepository {

    /** The name {@code direct:switchboard-accept} looks the repository up by. */
    public static final String NAME = "acceptedDeliveries";

    /** How long a caller waits for its batch: longer than any commit, shorter than a sender's patience. */
    private static final Duration COMMIT_WAIT = Duration.ofSeconds(30);

    private final DatabaseIdempotentRepository keys;
    private final EventLog events;
    private final StreamRelay relay;
    private final GroupCommit<Delivery, Boolean> batches;

    private record Delivery(String key, EventLog.Received received) {
    }

    @Inject
    public Acceptance(@Named("ingestDeliveries") DatabaseIdempotentRepository keys, EventLog events,
            StreamRelay relay, BatchConfig config, MeterRegistry registry) {
        this.keys = keys;
        this.events = events;
        this.relay = relay;
        BatchConfig.Stage stage = config.accept();
        this.batches = new GroupCommit<>("accept", stage.size(), stage.linger(), stage.writers(), stage.size() * 16, this::write,
                registry);
    }

    @Override
    public boolean add(Exchange exchange, String key) {
        CloudEvent event = exchange.getMessage().getBody(CloudEvent.class);
        String envelope = new String(Envelopes.serialize(event), StandardCharsets.UTF_8);
        return submit(new Delivery(key, new EventLog.Received(event, envelope)));
    }

    /** Without the exchange there is no event to store with the key. */
    @Override
    public boolean add(String key) {
        throw new UnsupportedOperationException("An acceptance needs its exchange: add(exchange, key)");
    }

    private boolean submit(Delivery delivery) {
        try {
            return batches.submit(delivery, COMMIT_WAIT);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** One transaction for the batch: the first copy of each new key is accepted, every other copy is a duplicate. */
    private List<Boolean> write(List<Delivery> batch) {
        List<Boolean> accepted = QuarkusTransaction.requiringNew().call(() -> {
            Set<String> fresh = keys.addAll(batch.stream().map(Delivery::key).toList());
            List<Boolean> answers = new ArrayList<>(batch.size());
            List<EventLog.Received> received = new ArrayList<>();
            Set<String> taken = new HashSet<>();
            for (Delivery delivery : batch) {
                boolean first = fresh.contains(delivery.key()) && taken.add(delivery.key());
                answers.add(first);
                if (first) {
                    received.add(delivery.received());
                }
            }
            events.recordReceived(received);
            return answers;
        });
        if (accepted.contains(Boolean.TRUE)) {
            relay.wakeUp();
        }
        return accepted;
    }

    @Override
    public boolean contains(String key) {
        return keys.contains(key);
    }

    @Override
    public boolean remove(String key) {
        return keys.remove(key);
    }

    @Override
    public boolean confirm(String key) {
        return true;
    }

    @Override
    public void clear() {
        keys.clear();
    }

    @Override
    public void start() {
        // the batch writer starts with the bean
    }

    @Override
    public void stop() {
        // Camel stops its services before CDI destroys the bean: the writer lives until then
    }

    @PreDestroy
    void stopBatches() {
        batches.stop();
    }
}
