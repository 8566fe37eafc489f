package dev.switchboard.connect.jms;

import java.util.Set;
import java.util.Optional;
import java.util.HashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.ProducerTemplate;

import dev.switchboard.connect.CamelSend;
import dev.switchboard.core.ActionRequest;
import dev.switchboard.core.Connector;
import dev.switchboard.core.ConnectorException;
import dev.switchboard.core.Delivery;
import dev.switchboard.core.EventDocument;
import dev.switchboard.core.ExchangeKeys;
import dev.switchboard.core.PortSettings;
import dev.switchboard.core.Tracing;
import dev.switchboard.stream.StreamAddresses;

/**
 * Sends the action's body to an Artemis queue ({@code address}) on the hub's broker. The run's
 * idempotency key travels as the {@code IdempotencyKey} property and as Artemis's duplicate id,
 * so the broker itself drops a repeated send of the same run.
 */
@ApplicationScoped
@Named("jms")
public class JmsConnector implements Connector {

    /** Its settings besides the common ones: also what the check before startup knows it by. */
    public static final Set<String> SETTINGS = Set.of("address");

    @Override
    public Optional<Set<String>> settingNames() {
        return Optional.of(SETTINGS);
    }

    @Inject
    ProducerTemplate producer;

    @Override
    public void validate(PortSettings settings) {
        StreamAddresses.requireUsers("address", settings.require("address"));
    }

    @Override
    public Optional<String> target(PortSettings settings, EventDocument event) {
        return settings.get("address").map(address -> "queue " + address);
    }

    @Override
    public Delivery deliver(ActionRequest request) throws ConnectorException {
        String address = request.settings().require("address");
        Map<String, Object> properties = new HashMap<>(Map.of(
                "IdempotencyKey", request.idempotencyKey(),
                "_AMQ_DUPL_ID", request.idempotencyKey(),
                ExchangeKeys.OPERATION, request.operation().orElse("")));
        // The attempt's span, for a consumer that continues the event's trace.
        Tracing.current().ifPresent(traceparent -> properties.put(Tracing.TRACEPARENT, traceparent));
        Throwable failure = CamelSend.inOnly(producer, "jms:queue:" + address, request.body(), properties);
        if (failure != null) {
            throw new ConnectorException("Sending to " + address + " failed: " + failure.getMessage(),
                    false, null, null, failure);
        }
        return Delivery.DONE;
    }
}
