package dev.switchboard.runs;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import org.apache.camel.ExchangePattern;
import org.apache.camel.ProducerTemplate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.switchboard.core.ExchangeKeys;
import dev.switchboard.stream.StreamAddresses;

/**
 * The dead-letter channel: every run that goes DEAD is also sent, as JSON with its reason, to the
 * Artemis address {@value StreamAddresses#DEAD_RUNS}, for whatever watches that address, and announced as a
 * {@link RunDied} event (on which ops raises an alert).
 *
 * <p>Sent from an outbox, not where the run goes DEAD: the transaction that makes a run DEAD
 * (planning, inside the stream consumer's; an attempt's outcome) could still roll back, and a
 * letter already sent cannot be withdrawn; a letter sent there and failing would be lost. So the
 * state change marks the letter due, and {@link #sendDue} sends due letters in a transaction that
 * clears the marks: a failed send rolls back and is tried again. At least once: if that commit
 * fails after a send, the letter goes again, with the same run id.
 */
@ApplicationScoped
public class DeadLetters {

    /** Quarkus's own, configured once for the application. */
    @Inject
    ObjectMapper json;

    @Inject
    ProducerTemplate producer;

    @Inject
    Event<RunDied> died;

    @Inject
    RunLedger ledger;

    /**
     * A DEAD run's letter: where it failed and why; {@code stillDead} false when the run was
     * replayed or discarded before the letter went, and it is dropped.
     */
    public record Letter(UUID run, UUID event, String rule, String action, String port, int attempts,
            String reason, boolean stillDead) {
    }

    /** Takes up to {@code limit} due letters and sends those of runs still DEAD; returns how many it took. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public int sendDue(int limit) {
        List<Letter> due = ledger.takeDeadLetters(limit);
        due.stream().filter(Letter::stillDead).forEach(this::send);
        return due.size();
    }

    private void send(Letter dead) {
        // A connector may fail without a message; the letter and its header still say something.
        String reason = Objects.requireNonNullElse(dead.reason(), "(no reason given)");
        Map<String, Object> letter = new LinkedHashMap<>();
        letter.put("kind", "action-run");
        letter.put("run", dead.run().toString());
        letter.put("event", dead.event().toString());
        letter.put("rule", dead.rule());
        letter.put("action", dead.action());
        letter.put("port", dead.port());
        letter.put("attempts", dead.attempts());
        letter.put("reason", reason);
        try {
            producer.sendBodyAndHeaders("jms:queue:" + StreamAddresses.DEAD_RUNS + "?exchangePattern="
                    + ExchangePattern.InOnly, json.writeValueAsString(letter),
                    Map.of(ExchangeKeys.DEAD_REASON, reason, ExchangeKeys.DEAD_RUN, dead.run().toString()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        died.fire(new RunDied(dead.run(), dead.rule(), dead.action(), dead.port(), reason));
    }
}
