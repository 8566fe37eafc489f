package dev.switchboard.ops.alerts;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.camel.ProducerTemplate;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.switchboard.core.ExchangeKeys;
import dev.switchboard.core.SecretMask;
import dev.switchboard.rules.AlertsRule;
import dev.switchboard.stream.IncomingEvent;
import dev.switchboard.stream.StreamAddresses;

/**
 * Raises and clears alerts. An alert is an event on the stream ({@code switchboard.alert.fired}
 * or {@code switchboard.alert.resolved}, source {@code switchboard}), which the built-in rule
 * ({@link AlertsRule}) sends to the port {@code alerts} when that port is bound: so alerts get the
 * retries, state and dead letters of any action, and show among the events. What raises and
 * clears them is in {@link AlertTriggers} and {@link AlertChecks}.
 */
@ApplicationScoped
public class Alerts {

    private static final Logger LOG = Logger.getLogger(Alerts.class);

    /** Quarkus's own, configured once for the application. */
    @Inject
    ObjectMapper json;

    @Inject
    Incidents incidents;

    @Inject
    ProducerTemplate producer;

    /**
     * Opens the incident and, if this opened it, sends one alert. Title and detail quote errors
     * (a dead run's reason, a route's endpoint): their URLs are masked before they are kept or sent.
     */
    public void raise(String incident, String kind, String title, String detail) {
        incidents.open(incident, kind, SecretMask.text(title), SecretMask.text(detail)).ifPresent(opened -> {
            // Named by its incident (a dead run's carries the run id): two dead runs of one action read alike otherwise.
            LOG.warnf("Alert %s: %s (%s)", incident, opened.title(), opened.detail());
            notice(opened);
        });
    }

    /** Resolves the incident and, if this resolved it, sends one resolved notice. */
    public void clear(String incident) {
        incidents.resolve(incident).ifPresent(resolved -> {
            LOG.infof("Resolved %s: %s", incident, resolved.title());
            notice(resolved);
        });
    }

    /**
     * Sends the notices that were not accepted when their incident changed: at least once, since
     * a notice's event id is fixed by its incident and state, so sending it twice is one event.
     */
    public void sendUnnoticed() {
        incidents.unnoticed().forEach(this::notice);
    }

    private void notice(Incidents.Incident incident) {
        boolean resolved = incident.resolvedAt() != null;
        if (publish(resolved ? "resolved" : "fired", incident)) {
            incidents.noticed(incident.id(), resolved);
        }
    }

    private boolean publish(String state, Incidents.Incident incident) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("state", state);
        data.put("id", incident.id().toString()); // the same in an incident's fired and resolved notices
        data.put("incident", incident.incident());
        data.put("kind", incident.kind());
        data.put("title", incident.title());
        data.put("detail", incident.detail());
        data.put("openedAt", String.valueOf(incident.openedAt()));
        String deliveryId = incident.id() + ":" + state;
        try {
            IncomingEvent event = IncomingEvent.of(AlertsRule.SOURCE, deliveryId, "switchboard.alert." + state,
                    OffsetDateTime.now(ZoneOffset.UTC), incident.incident(), null, json.writeValueAsBytes(data),
                    "application/json");
            producer.sendBodyAndHeader(StreamAddresses.ACCEPT, event.cloudEvent(), ExchangeKeys.DELIVERY_KEY,
                    event.deliveryKey());
            return true;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        } catch (RuntimeException e) {
            // The incident stays visible; its notice goes out at a later check.
            LOG.warnf("Alert notice %s (%s) not sent yet, will retry: %s", incident.incident(), state, e.getMessage());
            return false;
        }
    }

    /** The incident key of a dead run. */
    public static String deadRun(Object run) {
        return DEAD_RUN_PREFIX + run;
    }

    static final String DEAD_RUN_PREFIX = "run-dead:";

}
