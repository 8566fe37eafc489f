package dev.switchboard.ops.parked;

import java.time.OffsetDateTime;

/**
 * One message parked on a dead-letter queue.
 *
 * @param id       its JMSMessageID, which names it for replay and discard
 * @param parkedAt when it was sent to the dead-letter queue
 * @param reason   why ({@code SwitchboardDeadReason}); null when whoever parked it gave none
 * @param cameFrom the address it came from, or the route that parked it
 * @param excerpt  the start of its body as text
 */
public record ParkedMessage(String id, OffsetDateTime parkedAt, String reason, String cameFrom, String excerpt) {
}
