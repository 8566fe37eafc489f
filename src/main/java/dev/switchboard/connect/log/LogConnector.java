package dev.switchboard.connect.log;

import java.util.Set;
import java.util.Optional;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;

import org.jboss.logging.Logger;

import dev.switchboard.core.ActionRequest;
import dev.switchboard.core.Connector;
import dev.switchboard.core.Delivery;
import dev.switchboard.core.EventDocument;
import dev.switchboard.core.PortSettings;

/** Writes the action to the hub's log, under category {@code switchboard.port.<port>}. For trying rules out. */
@ApplicationScoped
@Named("log")
public class LogConnector implements Connector {

    /** Its settings besides the common ones: also what the check before startup knows it by. */
    public static final Set<String> SETTINGS = Set.of();

    @Override
    public Optional<Set<String>> settingNames() {
        return Optional.of(SETTINGS);
    }

    @Override
    public Optional<String> target(PortSettings settings, EventDocument event) {
        return Optional.of("log switchboard.port." + settings.port());
    }

    @Override
    public Delivery deliver(ActionRequest request) {
        Logger.getLogger("switchboard.port." + request.port()).infof("%s%s [Idempotency-Key %s] %s",
                request.port(), request.operation().map(operation -> "." + operation).orElse(""),
                request.idempotencyKey(), request.body());
        return Delivery.DONE;
    }
}
