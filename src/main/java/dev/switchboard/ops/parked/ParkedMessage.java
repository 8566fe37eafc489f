package dev.switchboard.ops.parked;

import java.time.OffsetDateTime;

/**
 * One message parked on a parking queue.
 *
 * @param id       its JMSMessageID, which names it for replay and discard
 * @param parkedAt when it was parked
 * @param reason   why ({@code SwitchboardParkedReason}); null when whoever parked it gave none
 * @param cameFrom the address it came from, or the route that parked it
 * @param excerpt  the start of its body as text
 */
public record ParkedMessage(String id, OffsetDateTime parkedAt, String reason, String cameFrom, String excerpt) {
}
