package dev.switchboard.routes;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;

import org.apache.camel.Exchange;
import org.apache.camel.ExchangePattern;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;

import io.cloudevents.CloudEvent;

import dev.switchboard.core.ExchangeKeys;
import dev.switchboard.core.SecretMask;
import dev.switchboard.core.Template;
import dev.switchboard.rules.Evaluation;
import dev.switchboard.rules.Rule;
import dev.switchboard.rules.RuleAction;
import dev.switchboard.runs.JudgedEventRecorder;
import dev.switchboard.stream.Envelopes;
import dev.switchboard.stream.IncomingEvent;
import dev.switchboard.stream.StreamAddresses;

/**
 * The endpoints user routes (YAML in {@code routes/}, or Java RouteBuilders) use to reach the
 * hub's machinery:
 * <ul>
 * <li>{@value #PUBLISH}: the message becomes an event on the central stream, exactly once per
 * delivery id, like a webhook;</li>
 * <li>{@value #CALL}: the message is sent to a port as an action run, with the port's retries,
 * state, dead letters, replay and alerts;</li>
 * <li>{@value #PARK}: an error handler's target; the failed message is parked on
 * {@value StreamAddresses#ROUTES_PARKED} with its reason, and an alert fires for the route. Its
 * name before parked and dead were told apart, {@value #PARK_FORMERLY}, still works: shipped
 * routes use it.</li>
 * </ul>
 */
@ApplicationScoped
public class RouteEndpoints extends RouteBuilder {

    public static final String PUBLISH = "direct:switchboard-publish";
    public static final String CALL = "direct:switchboard-call";
    public static final String PARK = "direct:switchboard-park";
    /** {@link #PARK}'s former name, kept for the routes that use it. */
    public static final String PARK_FORMERLY = "direct:switchboard-dead-letter";

    static final String CALL_TYPE = "switchboard.route.call";

    @Inject
    JudgedEventRecorder processor;

    @Inject
    Event<RouteParked> parked;

    @Inject
    Event<RouteDelivered> delivered;

    @Override
    public void configure() {
        from(PUBLISH).routeId("switchboard-publish")
                .setProperty(ExchangeKeys.ORIGINAL_BODY, body())
                .process(exchange -> toAcceptance(exchange, RouteEvents.incoming(exchange,
                        RouteEvents.requiredHeader(exchange, ExchangeKeys.EVENT_TYPE, PUBLISH))))
                .to(StreamAddresses.ACCEPT)
                .process(RouteEndpoints::reportAcceptance)
                .process(this::reportDelivered);

        // The call is an event of its own (type switchboard.route.call, source the route) with one
        // run planned on it, in one transaction, once per delivery id: a retried route calls once.
        from(CALL).routeId("switchboard-call")
                .setProperty(ExchangeKeys.ORIGINAL_BODY, body())
                .process(this::planCall)
                .transacted()
                .idempotentConsumer(header(ExchangeKeys.DELIVERY_KEY)).idempotentRepository("ingestDeliveries")
                        .skipDuplicate(false).removeOnFailure(false)
                    .filter(exchangeProperty(ExchangeKeys.SEEN_BEFORE).isNotEqualTo(true))
                        .process(this::recordCall)
                    .end()
                .end()
                .process(RouteEndpoints::reportAcceptance)
                .process(this::reportDelivered);

        from(PARK).routeId("switchboard-park")
                .process(this::park)
                .log(LoggingLevel.WARN, "Message parked by route ${header." + ExchangeKeys.PARKED_ROUTE
                        + "}: ${header." + ExchangeKeys.PARKED_REASON + "}")
                .to(ExchangePattern.InOnly, "jms:queue:" + StreamAddresses.ROUTES_PARKED);
        from(PARK_FORMERLY).routeId("switchboard-dead-letter").to(PARK);
    }

    /** A route that publishes or calls again works again (ops resolves its parked-messages alert). */
    private void reportDelivered(Exchange exchange) {
        delivered.fire(new RouteDelivered(exchange.getFromRouteId()));
    }

    private static void toAcceptance(Exchange exchange, IncomingEvent incoming) {
        exchange.setProperty(ExchangeKeys.EVENT, incoming.id());
        exchange.getMessage().setHeader(ExchangeKeys.DELIVERY_KEY, incoming.deliveryKey());
        exchange.getMessage().setBody(incoming.cloudEvent());
    }

    /** Back to the route's own body, with the event's id and whether it was a duplicate. */
    private static void reportAcceptance(Exchange exchange) {
        exchange.getMessage().setHeader(ExchangeKeys.EVENT, exchange.getProperty(ExchangeKeys.EVENT));
        exchange.getMessage().setHeader(ExchangeKeys.DUPLICATE,
                Boolean.TRUE.equals(exchange.getProperty(ExchangeKeys.SEEN_BEFORE)));
        exchange.getMessage().removeHeader(ExchangeKeys.DELIVERY_KEY);
        exchange.getMessage().setBody(exchange.getProperty(ExchangeKeys.ORIGINAL_BODY));
    }

    private void planCall(Exchange exchange) {
        String port = RouteEvents.requiredHeader(exchange, ExchangeKeys.PORT, CALL);
        IncomingEvent incoming = RouteEvents.incoming(exchange, CALL_TYPE);
        String route = incoming.cloudEvent().getSource().toString();
        RuleAction action = new RuleAction("call-" + port, 0, port,
                Optional.ofNullable(exchange.getMessage().getHeader(ExchangeKeys.OPERATION, String.class)),
                Template.parse(""),
                Optional.empty(), Optional.empty(), Optional.empty());
        Rule caller = new Rule("route:" + route, "(route " + route + ")", 0, List.of(CALL_TYPE), Optional.of(route),
                Optional.empty(), List.of(), List.of(action));
        String body = exchange.getMessage().getBody(String.class);
        exchange.setProperty(ExchangeKeys.EVALUATION, new Evaluation(List.of(new Evaluation.Match(caller, Map.of(),
                List.of(new Evaluation.PlannedAction(action, body == null ? "" : body, null)))), List.of()));
        toAcceptance(exchange, incoming);
    }

    private void recordCall(Exchange exchange) {
        CloudEvent event = exchange.getMessage().getBody(CloudEvent.class);
        processor.record(event, new String(Envelopes.serialize(event), StandardCharsets.UTF_8),
                exchange.getProperty(ExchangeKeys.EVALUATION, Evaluation.class));
    }

    private void park(Exchange exchange) {
        String route = exchange.getFromRouteId();
        Exception failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        // Camel's messages quote the endpoint, a URL whose path may be a token (a Slack webhook):
        // the reason is logged, kept on the parked message and shown to viewers.
        String reason = failure == null ? "sent to the parking endpoint" : SecretMask.text(failure.getMessage());
        exchange.getMessage().setHeader(ExchangeKeys.PARKED_REASON, reason);
        exchange.getMessage().setHeader(ExchangeKeys.PARKED_ROUTE, route);
        parked.fire(new RouteParked(route, reason));
    }
}
