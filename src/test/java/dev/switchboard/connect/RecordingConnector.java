package dev.switchboard.connect;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;

import dev.switchboard.core.ActionRequest;
import dev.switchboard.core.Connector;
import dev.switchboard.core.Delivery;

/** A connector written against the SPI, as a project would: chosen by its name in a port binding. */
@ApplicationScoped
@Named("recorder")
public class RecordingConnector implements Connector {

    private final List<ActionRequest> received = new CopyOnWriteArrayList<>();

    /** A method, not the field: the test holds a client proxy, whose fields are not the bean's. */
    List<ActionRequest> received() {
        return received;
    }

    @Override
    public Delivery deliver(ActionRequest request) {
        received.add(request);
        return new Delivery(200, "recorded");
    }
}
