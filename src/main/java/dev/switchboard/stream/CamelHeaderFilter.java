package dev.switchboard.stream;

import java.util.Locale;

import jakarta.inject.Named;
import jakarta.inject.Singleton;

import org.apache.camel.Exchange;
import org.apache.camel.component.jms.JmsHeaderFilterStrategy;

/**
 * The {@code jms} component's header filter (see {@code camel.component.jms.header-filter-strategy}):
 * Camel's own, plus every {@code Camel*} property dropped whatever its case. Camel 4.17 drops
 * incoming properties that start with {@code Camel} or {@code camel} only, but looks headers up
 * ignoring case (CAMEL-23313): a sender's {@code CAMELJMSDESTINATIONNAME=switchboard.events}
 * would otherwise steer the hub's next send of that message, such as parking it, to the stream.
 */
@Singleton
@Named("camelHeaderFilter")
public class CamelHeaderFilter extends JmsHeaderFilterStrategy {

    @Override
    public boolean applyFilterToExternalHeaders(String headerName, Object headerValue, Exchange exchange) {
        return isCamelHeader(headerName) || super.applyFilterToExternalHeaders(headerName, headerValue, exchange);
    }

    @Override
    public boolean applyFilterToCamelHeaders(String headerName, Object headerValue, Exchange exchange) {
        return isCamelHeader(headerName) || super.applyFilterToCamelHeaders(headerName, headerValue, exchange);
    }

    static boolean isCamelHeader(String name) {
        String lower = name == null ? "" : name.toLowerCase(Locale.ROOT);
        return lower.startsWith("camel") || lower.startsWith("org.apache.camel.");
    }
}
