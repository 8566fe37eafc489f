package dev.switchboard.connect;

import dev.switchboard.core.Connector;
import dev.switchboard.core.PortSettings;
import dev.switchboard.core.RetryPolicy;

/** A port bound to a connector with its settings, and the retry policy its runs start from. */
public record PortBinding(String port, String connectorName, Connector connector, PortSettings settings,
        RetryPolicy retry) {
}
