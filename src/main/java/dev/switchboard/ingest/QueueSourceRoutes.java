package dev.switchboard.ingest;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePattern;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.OnExceptionDefinition;
import org.apache.camel.model.RouteDefinition;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.switchboard.boot.EmbeddedBroker;
import dev.switchboard.core.DatabaseErrors;
import dev.switchboard.core.ExchangeKeys;
import dev.switchboard.core.StartupGate;
import dev.switchboard.stream.StreamAddresses;
import dev.switchboard.stream.StreamRoutes;

/**
 * One consumer route per queue source: each message becomes an event through
 * {@link StreamAddresses#ACCEPT} inside the JMS transaction, so it is acknowledged only once its event is
 * recorded. A failure to record (database or broker away) rolls the message back for the broker
 * to redeliver later; an unreadable message goes to the source's dead-letter address instead.
 *
 * <p>The routes start when the {@link StartupGate} opens, not with Camel: a source's messages wait
 * on its address until the rules, models and bindings that will judge their events have loaded.
 */
@ApplicationScoped
public class QueueSourceRoutes extends RouteBuilder {

    private static final Logger LOG = Logger.getLogger(QueueSourceRoutes.class);

    @Inject
    QueueSources sources;

    /** Quarkus's own, configured once for the application. */
    @Inject
    ObjectMapper json;

    @Inject
    IngestMetrics metrics;

    @Inject
    SourcesConfig config;

    @Inject
    StartupGate gate;

    @Inject
    CamelContext camel;

    @Override
    public void configure() {
        for (QueueSource source : sources.all().values()) {
            if (EmbeddedBroker.isRunning()) {
                // Rolled-back messages wait and back off instead of being dropped after ten
                // attempts: a database outage delays these events, never loses them.
                EmbeddedBroker.redeliverWithBackoff(source.address(), source.deadLetterAddress());
                // Its publishers may send there and nowhere else: not to the stream, not to another source.
                EmbeddedBroker.admitPublisher(source.name(), source.address(),
                        config.sources().get(source.name()).publisherPassword())
                        .ifPresent(file -> LOG.infof("Queue source %s: publishers log in to the embedded broker as"
                                + " '%s' with the password in %s", source.name(), source.name(), file));
            }
            route(source);
        }
    }

    void startWithGate(@Observes StartupGate.Opened opened) {
        for (QueueSource source : sources.all().values()) {
            try {
                camel.getRouteController().startRoute(routeId(source));
            } catch (Exception e) {
                LOG.errorf(e, "Queue source %s could not be started", source.name());
            }
        }
    }

    private static String routeId(QueueSource source) {
        return "queue-source-" + source.name();
    }

    private void route(QueueSource source) {
        String name = source.name();
        RouteDefinition route = from(source.endpointUri()).routeId(routeId(source)).autoStartup(gate.isOpen());
        park(route.onException(UnreadableMessageException.class), source, "unreadable",
                "Unreadable message of source " + name + " sent to ");
        // Data the database refuses is refused again at every redelivery: park it too.
        park(route.onException(Exception.class).onWhen(exchange -> DatabaseErrors.isBadData(
                exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class))), source, "unstorable",
                "Message of source " + name + " refused by the database, sent to ");
        route.process(exchange -> metrics.received(name))
                .process(new QueueReception(source, json))
                // A failure in here has been through the acceptance's transactional error handler
                // and stays on the exchange: the JMS transaction rolls back and the broker redelivers.
                .to(StreamAddresses.ACCEPT)
                .process(exchange -> counted(name, exchange));
    }

    /** Parks the failed message on the source's dead-letter address, with the reason and the source. */
    private void park(OnExceptionDefinition failure, QueueSource source, String rejection, String logged) {
        failure.handled(true)
                .process(exchange -> metrics.rejected(source.name(), rejection))
                .log(LoggingLevel.WARN, logged + source.deadLetterAddress() + ": ${exception.message}")
                // A reply-to would make the dead-letter send wait for an answer.
                .removeHeader("JMSReplyTo")
                .setHeader(ExchangeKeys.PARKED_REASON, simple("${exception.message}"))
                .setHeader(ExchangeKeys.PARKED_SOURCE, constant(source.name()))
                .to(ExchangePattern.InOnly, "jms:queue:" + source.deadLetterAddress())
                .end();
    }

    private void counted(String source, Exchange exchange) {
        if (exchange.getProperty(StreamRoutes.DUPLICATE, false, Boolean.class)) {
            metrics.duplicate(source);
        } else {
            metrics.accepted(source, Duration.ofMillis(exchange.getClock().elapsed()));
        }
    }
}
