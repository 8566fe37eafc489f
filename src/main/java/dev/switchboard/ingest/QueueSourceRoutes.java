package dev.switchboard.ingest;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

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

import io.opentelemetry.api.trace.Tracer;

import dev.switchboard.boot.EmbeddedBroker;
import dev.switchboard.core.DatabaseErrors;
import dev.switchboard.core.ExchangeKeys;
import dev.switchboard.core.Failures;
import dev.switchboard.core.StartupGate;
import dev.switchboard.core.ThrottledWarning;
import dev.switchboard.ingest.SourcesConfig.Source;
import dev.switchboard.stream.StreamAddresses;

/**
 * One consumer route per queue source: each message becomes an event through
 * {@link StreamAddresses#ACCEPT} inside the JMS transaction, so it is acknowledged only once its event is
 * recorded. A failure to record (database or broker away) rolls the message back for the broker
 * to redeliver later; an unreadable message is parked on the source's parked address instead.
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
    Tracer tracer;

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
            admit(source, config.sources().get(source.name()), true);
            route(this, source);
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

    /**
     * Puts reloaded queue sources in force: the consumers of a removed or changed source stop (a
     * message being processed finishes first), and those of a new or changed one start, once the
     * startup gate is open. A source left as it was keeps consuming untouched.
     */
    void install(Map<String, QueueSource> reloaded, Map<String, Source> settings) {
        Map<String, QueueSource> before = sources.all();
        before.forEach((name, old) -> {
            if (!old.equals(reloaded.get(name))) {
                stop(old);
                boolean moved = !reloaded.containsKey(name) || !reloaded.get(name).address().equals(old.address());
                if (moved && EmbeddedBroker.isRunning()) {
                    EmbeddedBroker.dismissPublisher(name, old.address());
                }
                if (!reloaded.containsKey(name) && old.destination() == SourcesConfig.Destination.TOPIC) {
                    LOG.warnf("Queue source %s removed: its durable subscription %s on %s keeps every message sent to"
                            + " the topic until it is deleted on the broker", name, old.subscription(), old.address());
                }
                LOG.infof("Queue source %s %s", name, reloaded.containsKey(name) ? "changed: restarting its consumers"
                        : "removed: its consumers stopped");
            }
        });
        Map<String, QueueSource> consuming = new TreeMap<>();
        reloaded.forEach((name, source) -> {
            try {
                // Every time, not only when added: a changed publisher password takes effect too.
                admit(source, settings.get(name), !before.containsKey(name));
                if (!source.equals(before.get(name))) {
                    camel.addRoutes(new RouteBuilder() {
                        @Override
                        public void configure() {
                            route(this, source);
                        }
                    });
                    LOG.infof("Queue source %s consuming %s", name, source.address());
                    if (!EmbeddedBroker.isRunning() && !before.containsKey(name)) {
                        // The external broker's address settings are read at startup (BrokerAddressSettings).
                        LOG.warnf("Queue source %s was added at runtime: the external broker's settings of %s are"
                                + " checked at the next start; until then make sure it keeps redelivering through a"
                                + " database outage (switchboard.broker.outlast-outage)", name, source.address());
                    }
                }
                consuming.put(name, source);
            } catch (Exception e) {
                // Left out of the sources in force, so that the next reload tries it again as new.
                LOG.errorf(e, "Queue source %s could not be started", name);
            }
        });
        sources.install(Map.copyOf(consuming));
    }

    private void stop(QueueSource source) {
        try {
            camel.getRouteController().stopRoute(routeId(source));
            if (!camel.removeRoute(routeId(source))) {
                LOG.errorf("Queue source %s: its stopped route could not be removed", source.name());
            }
        } catch (Exception e) {
            LOG.errorf(e, "Queue source %s could not be stopped", source.name());
        }
    }

    /** @param added whether the source is new: only then is where its publishers' password is kept said */
    private void admit(QueueSource source, Source settings, boolean added) {
        if (!EmbeddedBroker.isRunning()) {
            return;
        }
        // Rolled-back messages wait and back off instead of being dropped after ten
        // attempts: a database outage delays these events, never loses them.
        EmbeddedBroker.redeliverWithBackoff(source.address(), source.parkedAddress());
        // Its publishers may send there and nowhere else: not to the stream, not to another source.
        EmbeddedBroker.admitPublisher(source.name(), source.address(), settings.publisherPassword(), source.maxBody())
                .filter(file -> added)
                .ifPresent(file -> LOG.infof("Queue source %s: publishers log in to the embedded broker as"
                        + " '%s' with the password in %s", source.name(), source.name(), file));
    }

    private static String routeId(QueueSource source) {
        return "queue-source-" + source.name();
    }

    /** The source's consumer route, defined by {@code builder}: this one at startup, a new one at a reload. */
    private void route(RouteBuilder builder, QueueSource source) {
        String name = source.name();
        RouteDefinition route = builder.from(source.endpointUri()).routeId(routeId(source)).autoStartup(gate.isOpen())
                // As the webhook route's (see there): consumers in parallel logging each "retry
                // attempt" through Camel's shared logger could put a line out at the wrong level.
                .errorHandler(builder.defaultErrorHandler().logRetryAttempted(false));
        park(builder, route.onException(UnreadableMessageException.class), source, "unreadable",
                "Unreadable message of source " + name + " sent to ");
        // Data the database refuses is refused again at every redelivery: park it too.
        park(builder, route.onException(Exception.class).onWhen(exchange -> DatabaseErrors.isBadData(caught(exchange))),
                source, "unstorable",
                "Message of source " + name + " refused by the database, sent to ");
        // While the database or broker is away every delivery fails alike and is rolled back for
        // the broker to redeliver with backoff (not handled): said once a window, as for webhooks,
        // instead of an ERROR with its stack for every delivery of every waiting message.
        route.onException(Exception.class).onWhen(exchange -> Outages.isOutage(caught(exchange)))
                .logExhausted(false)
                .process(exchange -> ThrottledWarning.warn("Messages of queue source " + name
                        + " are rolled back for redelivery while the database or broker is unavailable",
                        Failures.root(caught(exchange))));
        route.process(exchange -> metrics.received(name))
                .process(new QueueReception(source, json, tracer))
                // A failure in here has been through the acceptance's transactional error handler
                // and stays on the exchange: the JMS transaction rolls back and the broker redelivers.
                .to(StreamAddresses.ACCEPT)
                .process(exchange -> counted(name, exchange));
    }

    /** Parks the failed message on the source's parked address, with the reason and the source. */
    private void park(RouteBuilder builder, OnExceptionDefinition failure, QueueSource source, String rejection,
            String logged) {
        failure.handled(true)
                .process(exchange -> metrics.rejected(source.name(), rejection))
                .log(LoggingLevel.WARN, logged + source.parkedAddress() + ": ${exception.message}")
                // A reply-to would make the parking send wait for an answer.
                .removeHeader("JMSReplyTo")
                .setHeader(ExchangeKeys.PARKED_REASON, builder.simple("${exception.message}"))
                .setHeader(ExchangeKeys.PARKED_SOURCE, builder.constant(source.name()))
                .to(ExchangePattern.InOnly, "jms:queue:" + source.parkedAddress())
                .end();
    }

    private static Exception caught(Exchange exchange) {
        return exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
    }

    private void counted(String source, Exchange exchange) {
        if (exchange.getProperty(ExchangeKeys.SEEN_BEFORE, false, Boolean.class)) {
            metrics.duplicate(source);
        } else {
            metrics.accepted(source, Duration.ofMillis(exchange.getClock().elapsed()));
        }
    }
}
