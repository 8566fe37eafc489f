package dev.switchboard.connect;

import dev.switchboard.runs.RetryPolicy;

/** A port bound to a connector with its settings, and the retry policy its runs start from. */
public record PortBinding(String port, String connectorName, Connector connector, PortSettings settings,
        RetryPolicy retry) {
}
