package dev.switchboard.connect.kamelet;

import java.util.Set;
import java.util.Optional;
import java.util.Map;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.ProducerTemplate;

import dev.switchboard.connect.CamelSend;
import dev.switchboard.core.ActionRequest;
import dev.switchboard.core.Connector;
import dev.switchboard.core.ConnectorException;
import dev.switchboard.core.Delivery;
import dev.switchboard.core.PortSettings;

/**
 * Sends the action to a Kamelet sink: {@code kamelet} names it (from the Kamelet catalog, or a
 * {@code *.kamelet.yaml} in the project's {@code kamelets/} folder) and {@code properties.<name>}
 * sets its properties. The idempotency key is the {@code Idempotency-Key} header.
 */
@ApplicationScoped
@Named("kamelet")
public class KameletConnector implements Connector {

    /** Its settings besides the common ones: also what the check before startup knows it by. */
    public static final Set<String> SETTINGS = Set.of("kamelet", "properties.*");

    @Override
    public Optional<Set<String>> settingNames() {
        return Optional.of(SETTINGS);
    }

    @Inject
    ProducerTemplate producer;

    @Override
    public void validate(PortSettings settings) {
        settings.require("kamelet");
    }

    @Override
    public Delivery deliver(ActionRequest request) throws ConnectorException {
        PortSettings settings = request.settings();
        String uri = "kamelet:" + settings.require("kamelet") + query(settings.under("properties"));
        Throwable failure = CamelSend.inOnly(producer, uri, request.body(),
                Map.of("Idempotency-Key", request.idempotencyKey()));
        if (failure != null) {
            throw new ConnectorException("Kamelet " + settings.require("kamelet") + " failed: "
                    + failure.getMessage(), false, null, null, failure);
        }
        return Delivery.DONE;
    }

    private static String query(Map<String, String> properties) {
        return properties.isEmpty() ? "" : properties.entrySet().stream()
                .map(entry -> entry.getKey() + "=RAW(" + entry.getValue() + ")")
                .collect(Collectors.joining("&", "?", ""));
    }
}
