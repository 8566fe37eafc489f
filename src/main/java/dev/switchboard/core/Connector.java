package dev.switchboard.core;

/**
 * The connector SPI: how a port reaches a system. A connector is a CDI bean implementing this
 * interface, chosen by its {@code @Named} value in {@code switchboard.ports.<port>.connector}; the
 * built-in ones are named {@code http}, {@code kamelet}, {@code mail}, {@code jms}, {@code sql}
 * and {@code log}, and a project adds its own the same way.
 */
public interface Connector {

    /**
     * Performs one attempt of an action. Return normally when the system took it; throw
     * {@link ConnectorException} to say whether trying again could help. Any other exception
     * counts as a failure worth retrying.
     */
    Delivery deliver(ActionRequest request) throws Exception;

    /** Retry settings for ports bound to this connector, unless the port or action says otherwise. */
    default RetryPolicy defaultRetry() {
        return RetryPolicy.DEFAULT;
    }

    /**
     * Where an action on a port bound to this connector would go for this event (an HTTP call's
     * method and rendered URL, a mail's rendered recipients, a queue's address): a dry run shows it,
     * a backtest compares it. Empty when the connector cannot say.
     */
    default java.util.Optional<String> target(PortSettings settings, EventDocument event) {
        return java.util.Optional.empty();
    }

    /**
     * The headers (or their like) an action on a port bound to this connector would carry, as a
     * dry run shows them (secrets masked by the caller). Empty when the connector has none.
     */
    default java.util.Map<String, String> headers(PortSettings settings, java.util.Optional<String> operation) {
        return java.util.Map.of();
    }

    /**
     * The settings a port bound to this connector may have, besides those every port has
     * ({@code connector}, {@code timeout}, {@code retry.*}); a name ending in {@code .*} stands for
     * all under it. Any other is refused when the binding loads, with the closest known name, so a
     * typo ({@code ulr}) is not silently ignored. Empty: not checked (a project's connector may
     * say nothing).
     */
    default java.util.Optional<java.util.Set<String>> settingNames() {
        return java.util.Optional.empty();
    }

    /** Checks a port's settings when they are loaded; throw IllegalArgumentException naming the problem. */
    default void validate(PortSettings settings) {
    }
}
