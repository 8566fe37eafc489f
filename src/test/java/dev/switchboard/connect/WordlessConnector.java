package dev.switchboard.connect;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;

import dev.switchboard.core.ActionRequest;
import dev.switchboard.core.Connector;
import dev.switchboard.core.ConnectorException;
import dev.switchboard.core.Delivery;

/** A connector written against the SPI that refuses every call for good without saying why. */
@ApplicationScoped
@Named("wordless")
public class WordlessConnector implements Connector {

    @Override
    public Delivery deliver(ActionRequest request) throws ConnectorException {
        throw new ConnectorException(null, true);
    }
}
