package dev.switchboard.ingest.broker;

import java.time.Duration;
import java.util.Optional;

import org.apache.activemq.artemis.core.settings.impl.AddressSettings;

/**
 * How an address's settings treat a message its consumer rolls back, as it does while the database
 * is down: how long the broker keeps redelivering it before it gives up and moves it to the
 * dead-letter address (or drops it, without one).
 */
record Redelivery(String address, long delayMs, double multiplier, long maxDelayMs, int maxAttempts,
        Optional<String> deadLetterAddress) {

    /** What the hub asks for: 1 s, doubling to a minute, for ever. Same as the embedded broker's. */
    static final String FIX = "<redelivery-delay>1000</redelivery-delay><redelivery-delay-multiplier>2"
            + "</redelivery-delay-multiplier><max-redelivery-delay>60000</max-redelivery-delay>"
            + "<max-delivery-attempts>-1</max-delivery-attempts>";

    /** Stands for "never": longer than any outage anyone configures. */
    static final Duration FOREVER = Duration.ofDays(365L * 1000);

    static Redelivery of(String address, AddressSettings settings) {
        // The getters give Artemis's defaults for what no address-setting sets (ten attempts, no delay).
        return new Redelivery(address, settings.getRedeliveryDelay(), settings.getRedeliveryMultiplier(),
                settings.getMaxRedeliveryDelay(), settings.getMaxDeliveryAttempts(),
                Optional.ofNullable(settings.getDeadLetterAddress()).map(Object::toString).filter(dla -> !dla.isBlank()));
    }

    boolean unlimited() {
        return maxAttempts < 0;
    }

    /**
     * How long after its first delivery a message that keeps failing is given up on: the sum of the
     * delays before each redelivery, each the previous one times the multiplier, capped.
     */
    Duration givenUpAfter() {
        if (unlimited()) {
            return FOREVER;
        }
        double total = 0;
        double delay = delayMs;
        for (int redelivery = 1; redelivery < maxAttempts; redelivery++) {
            total += Math.min(delay, maxDelayMs > 0 ? maxDelayMs : delay);
            delay *= multiplier > 0 ? multiplier : 1;
            if (total > FOREVER.toMillis()) {
                return FOREVER;
            }
        }
        return Duration.ofMillis((long) total);
    }

    /**
     * Why a database outage of {@code outage} would lose this address's messages to the hub, in one
     * line naming the address, the setting and the broker.xml that fixes it; empty when it would not.
     */
    Optional<String> problem(Duration outage) {
        String fix = " Fix it in broker.xml: <address-setting match=\"" + address + "\">" + FIX + "</address-setting>";
        String lostTo = deadLetterAddress.map(dla -> "moved to " + dla).orElse("dropped (no dead-letter-address)");
        if (delayMs <= 0) {
            return Optional.of("Broker address " + address + " has redelivery-delay " + delayMs + " (max-delivery-attempts "
                    + maxAttempts + "): during a database outage its messages are redelivered at once, in a loop, "
                    + (unlimited() ? "for as long as it lasts" : "and " + lostTo + " within a second") + "." + fix);
        }
        if (!unlimited() && givenUpAfter().compareTo(outage) < 0) {
            return Optional.of("Broker address " + address + " has max-delivery-attempts " + maxAttempts
                    + " (redelivery-delay " + delayMs + " ms): a database outage longer than "
                    + givenUpAfter().toSeconds() + " s gets its messages " + lostTo + ", and the hub is to outlast "
                    + outage.toSeconds() + " s (switchboard.broker.outlast-outage)." + fix);
        }
        return Optional.empty();
    }
}
