package dev.switchboard.runs;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.camel.builder.RouteBuilder;

import dev.switchboard.core.ExchangeKeys;
import dev.switchboard.stream.StreamAddresses;

/**
 * {@link StreamAddresses#ACCEPT}: accepting an event exactly once per delivery, for every way in
 * (webhooks, queue sources, CDC, routes). Camel's idempotent consumer decides duplicates, on the
 * {@link Acceptance} repository, whose {@code add} stores the delivery's key and its event
 * together, in a transaction shared with the acceptances that arrive at the same time, and returns
 * once it has committed; it sets {@link ExchangeKeys#SEEN_BEFORE} for a delivery accepted before.
 * The event reaches the stream through the outbox's relay, after that commit.
 */
@ApplicationScoped
public class AcceptRoute extends RouteBuilder {

    @Override
    public void configure() {
        // A failure is its caller's to report (a webhook's 503 or 422, a queue message parked with
        // its reason): logged here as well, it was an ERROR line for every event a stranger's data
        // made the database refuse, and for every acceptance during an outage.
        errorHandler(noErrorHandler());
        // In: body CloudEvent, header ExchangeKeys.DELIVERY_KEY. Out: property SEEN_BEFORE when seen before.
        // A failure to commit reaches the caller, with nothing of the delivery kept.
        from(StreamAddresses.ACCEPT).routeId("accept-event")
                .idempotentConsumer(header(ExchangeKeys.DELIVERY_KEY)).idempotentRepository(Acceptance.NAME)
                        .skipDuplicate(false).removeOnFailure(false)
                    // Stored by the repository's add: nothing is left to do but say so.
                    .setProperty(ExchangeKeys.ACCEPTED, constant(true))
                .end();
    }
}
