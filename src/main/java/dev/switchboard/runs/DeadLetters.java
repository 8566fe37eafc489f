package dev.switchboard.runs;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.camel.ExchangePattern;
import org.apache.camel.ProducerTemplate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.switchboard.ops.alerts.Alerts;
import dev.switchboard.stream.Stream;

/**
 * The dead-letter channel: every run that goes DEAD is also sent, as JSON with its reason, to the
 * Artemis address {@code switchboard.dead}, for whatever watches that address, and raises an
 * alert (except a run of the alerts themselves, which would only raise another).
 */
@ApplicationScoped
public class DeadLetters {

    /** The message property naming the DEAD run a letter is about. */
    public static final String RUN = "SwitchboardRun";

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    ProducerTemplate producer;

    @Inject
    Alerts alerts;

    public void send(UUID run, UUID event, String rule, String action, String port, int attempts, String reason) {
        Map<String, Object> letter = new LinkedHashMap<>();
        letter.put("kind", "action-run");
        letter.put("run", run.toString());
        letter.put("event", event.toString());
        letter.put("rule", rule);
        letter.put("action", action);
        letter.put("port", port);
        letter.put("attempts", attempts);
        letter.put("reason", reason);
        try {
            producer.sendBodyAndHeaders("jms:queue:" + Stream.DEAD_LETTERS + "?exchangePattern="
                    + ExchangePattern.InOnly, JSON.writeValueAsString(letter),
                    Map.of(Stream.DEAD_REASON, reason, RUN, run.toString()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        if (!Alerts.RULE.equals(rule)) {
            alerts.raise(Alerts.deadRun(run), "run-dead", "Run of " + rule + "/" + action + " on port " + port
                    + " is DEAD", reason);
        }
    }
}
