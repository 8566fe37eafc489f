package dev.switchboard.stream;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;

import dev.switchboard.core.ExchangeKeys;

/**
 * {@link StreamAddresses#ACCEPT}: accepting an event exactly once per delivery. Camel's idempotent
 * consumer decides duplicates, on a repository ({@code acceptedDeliveries}) whose {@code add}
 * stores the delivery's key and its event together, in a transaction shared with the acceptances
 * that arrive at the same time, and returns once it has committed. The event reaches the stream
 * through the outbox's relay, after that commit.
 */
@ApplicationScoped
public class StreamRoutes extends RouteBuilder {

    /** Exchange property {@link StreamAddresses#ACCEPT} sets to {@code true} when the delivery was seen before. */
    public static final String DUPLICATE = Exchange.DUPLICATE_MESSAGE;

    /** The repository that stores an accepted delivery's event with its key. */
    static final String ACCEPTED_DELIVERIES = "acceptedDeliveries";

    @Override
    public void configure() {
        // A failure is its caller's to report (a webhook's 503 or 422, a queue message parked with
        // its reason): logged here as well, it was an ERROR line for every event a stranger's data
        // made the database refuse, and for every acceptance during an outage.
        errorHandler(noErrorHandler());
        // In: body CloudEvent, header ExchangeKeys.DELIVERY_KEY. Out: property DUPLICATE when seen before.
        // A failure to commit reaches the caller, with nothing of the delivery kept.
        from(StreamAddresses.ACCEPT).routeId("accept-event")
                .idempotentConsumer(header(ExchangeKeys.DELIVERY_KEY)).idempotentRepository(ACCEPTED_DELIVERIES)
                        .skipDuplicate(false).removeOnFailure(false)
                    // Stored by the repository's add: nothing is left to do but say so.
                    .setProperty(ExchangeKeys.ACCEPTED, constant(true))
                .end();
    }
}
