package dev.switchboard.stream;

import java.nio.charset.StandardCharsets;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.camel.Exchange;
import org.apache.camel.ExchangePattern;
import org.apache.camel.builder.RouteBuilder;

import io.cloudevents.CloudEvent;

import dev.switchboard.rules.Evaluation;
import dev.switchboard.rules.RuleEvaluator;
import dev.switchboard.runs.EventLog;
import dev.switchboard.runs.EventProcessor;

/**
 * The central stream: accepting an event onto it exactly once per delivery, and consuming it.
 * Both sides are guarded by Camel's idempotent consumer on a database repository, written in
 * the same JTA transaction as the event itself.
 */
@ApplicationScoped
public class StreamRoutes extends RouteBuilder {

    /** Header carrying {@link IncomingEvent#deliveryKey()} into {@link Stream#ACCEPT}. */
    public static final String DELIVERY_KEY = "SwitchboardDeliveryKey";
    /** Exchange property {@link Stream#ACCEPT} sets to {@code true} when the delivery was seen before. */
    public static final String DUPLICATE = Exchange.DUPLICATE_MESSAGE;

    static final String PUBLISH = "direct:switchboard-stream-send";
    static final String EVENT_ID = "SwitchboardEventId";
    static final String EVALUATION = "SwitchboardEvaluation";
    /** The event's envelope as JSON text: serialized once on the way in, and kept as read on the way out. */
    static final String ENVELOPE = "SwitchboardEnvelope";

    @Inject
    EventLog eventLog;

    @Inject
    StreamConfig config;

    @Inject
    RuleEvaluator evaluator;

    @Inject
    EventProcessor processor;

    @Override
    public void configure() {
        // In: body CloudEvent, header DELIVERY_KEY. Out: property DUPLICATE when seen before.
        // Any failure rolls back the key and the event together and reaches the caller.
        from(Stream.ACCEPT).routeId("accept-event")
                .transacted()
                .idempotentConsumer(header(DELIVERY_KEY)).idempotentRepository("ingestDeliveries")
                        .skipDuplicate(false).removeOnFailure(false)
                    .filter(exchangeProperty(DUPLICATE).isNotEqualTo(true))
                        .process(exchange -> {
                            CloudEvent event = exchange.getMessage().getBody(CloudEvent.class);
                            String envelope = new String(Envelopes.serialize(event), StandardCharsets.UTF_8);
                            exchange.setProperty(ENVELOPE, envelope);
                            eventLog.recordReceived(event, envelope);
                        })
                        .to(PUBLISH)
                    .end()
                .end();

        // Published before the acceptance commits: a failed send means no event was accepted.
        from(PUBLISH).routeId("publish-event")
                .process(StreamRoutes::toStreamMessage)
                .to(ExchangePattern.InOnly, "jms:queue:" + Stream.EVENTS);

        // CACHE_CONSUMER: with a local JMS transaction manager the listener would otherwise open a
        // session and a consumer on the broker for every message (bench/RESULTS.md, step 4).
        from("jms:queue:" + Stream.EVENTS + "?transacted=true&cacheLevelName=CACHE_CONSUMER&concurrentConsumers="
                + config.consumers())
                .routeId("stream-consumer")
                .onException(Envelopes.UnreadableEnvelopeException.class).handled(true)
                    .log(org.apache.camel.LoggingLevel.WARN, "Unreadable stream message sent to " + Stream.DEAD_LETTERS
                            + ": ${exception.message}")
                    .setHeader(Stream.DEAD_REASON, simple("${exception.message}"))
                    .to(ExchangePattern.InOnly, "jms:queue:" + Stream.DEAD_LETTERS)
                .end()
                // Plain Java rather than a simple expression such as ${body.id}: its reflective
                // method lookup was a sixth of a consumer's CPU (bench/RESULTS.md, step 9).
                .process(exchange -> {
                    byte[] envelope = exchange.getMessage().getMandatoryBody(byte[].class);
                    CloudEvent event = Envelopes.deserialize(envelope);
                    exchange.setProperty(ENVELOPE, new String(envelope, StandardCharsets.UTF_8));
                    exchange.getMessage().setBody(event);
                    exchange.getMessage().setHeader(EVENT_ID, event.getId());
                })
                // Rules and their SQL models are read outside the transaction that records the result.
                .process(exchange -> exchange.setProperty(EVALUATION,
                        evaluator.evaluate(exchange.getMessage().getBody(CloudEvent.class))))
                .transacted()
                .idempotentConsumer(header(EVENT_ID)).idempotentRepository("streamMessages")
                    .process(exchange -> processor.record(exchange.getMessage().getBody(CloudEvent.class),
                            exchange.getProperty(ENVELOPE, String.class), exchange.getProperty(EVALUATION, Evaluation.class)))
                .end();
    }

    private static void toStreamMessage(Exchange exchange) {
        CloudEvent event = exchange.getMessage().getBody(CloudEvent.class);
        // Only the envelope travels: none of the transport headers that brought the event in.
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setHeader("ce_id", event.getId());
        exchange.getMessage().setHeader("ce_type", event.getType());
        exchange.getMessage().setHeader("ce_source", event.getSource().toString());
        exchange.getMessage().setHeader("content_type", Envelopes.CONTENT_TYPE);
        exchange.getMessage().setBody(exchange.getProperty(ENVELOPE, String.class));
    }
}
