package dev.switchboard.ingest.cdc;

import java.time.Duration;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.jboss.logging.Logger;

import io.cloudevents.CloudEvent;

import dev.switchboard.core.ExchangeKeys;
import dev.switchboard.ingest.IngestMetrics;
import dev.switchboard.stream.StreamAddresses;

/**
 * Accepts a captured change onto the stream, retrying in place (1 s doubling to 30 s) until it is
 * accepted: Debezium counts a change as processed when this returns, so it must not return before.
 * Each attempt is a fresh exchange: the accept route's own error handling ends a failed one, and
 * Camel would not redeliver it from here.
 */
@ApplicationScoped
public class ChangeAcceptor {

    private static final Logger LOG = Logger.getLogger(ChangeAcceptor.class);
    private static final Duration FIRST_DELAY = Duration.ofSeconds(1);
    private static final Duration MAX_DELAY = Duration.ofSeconds(30);

    @Inject
    ProducerTemplate producer;

    @Inject
    IngestMetrics metrics;

    /** In: the CloudEvent and its delivery key, as {@link ChangeEvents} made them. */
    public void accept(CdcSource source, Exchange exchange) throws Exception {
        CloudEvent event = exchange.getMessage().getBody(CloudEvent.class);
        Object deliveryKey = exchange.getMessage().getHeader(ExchangeKeys.DELIVERY_KEY);
        metrics.received(source.name());
        Duration delay = FIRST_DELAY;
        for (int attempt = 1;; attempt++) {
            Exchange result = producer.send(StreamAddresses.ACCEPT, attempted -> {
                attempted.getMessage().setBody(event);
                attempted.getMessage().setHeader(ExchangeKeys.DELIVERY_KEY, deliveryKey);
            });
            if (result.getException() == null) {
                count(source, event, result.getProperty(ExchangeKeys.SEEN_BEFORE, false, Boolean.class));
                return;
            }
            if (stopping(exchange.getContext(), source)) {
                // docs/sources.md "CDC sources": the one case where a change in hand is given up.
                throw result.getException();
            }
            LOG.warnf("CDC source %s: change %s not accepted (attempt %d: %s), retrying in %s", source.name(),
                    event.getId(), attempt, result.getException().getMessage(), delay);
            Thread.sleep(delay.toMillis());
            delay = delay.multipliedBy(2).compareTo(MAX_DELAY) > 0 ? MAX_DELAY : delay.multipliedBy(2);
        }
    }

    private static boolean stopping(CamelContext camel, CdcSource source) {
        return camel.isStopping() || camel.getRouteController().getRouteStatus(source.routeId()).isStopping();
    }

    /** Accepted changes are timed from their commit in the captured database: the capture lag. */
    private void count(CdcSource source, CloudEvent event, boolean duplicate) {
        if (duplicate) {
            metrics.duplicate(source.name());
        } else {
            metrics.accepted(source.name(), Duration.between(event.getTime().toInstant(), Instant.now()));
        }
    }
}
