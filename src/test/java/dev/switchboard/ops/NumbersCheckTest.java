package dev.switchboard.ops;

import static dev.switchboard.support.ConfigChecks.sortedMessages;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** A number setting given something else is refused by name before anything starts. */
class NumbersCheckTest {

    @Test
    void aWordOrAFractionWhereANumberBelongsIsRefusedByName() {
        assertEquals(List.of(
                "switchboard.alerts.port-failure-rate=half: not a number",
                "switchboard.embedded.postgres-port=5432x: not a whole number",
                "switchboard.ingest.max-queued=1.5: not a whole number",
                "switchboard.sources.orders.consumers=two: not a whole number"),
                sortedMessages(new NumbersCheck(), Map.of("switchboard.sources.orders.consumers", "two",
                        "switchboard.ingest.max-queued", "1.5", "switchboard.alerts.port-failure-rate", "half",
                        "switchboard.embedded.postgres-port", "5432x")));
    }

    @Test
    void numbersAsTheHubReadsThemPassAndAReferenceIsJudgedOnceResolved() {
        assertEquals(List.of(), sortedMessages(new NumbersCheck(), Map.of("switchboard.sources.orders.consumers", " 4 ",
                "switchboard.alerts.port-failure-rate", "0.25", "switchboard.ingest.max-queued", "${MAX_QUEUED:100}",
                "switchboard.sources.orders.address", "not a number, and not this check's")));
    }
}
