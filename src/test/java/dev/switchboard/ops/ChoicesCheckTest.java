package dev.switchboard.ops;

import static dev.switchboard.support.ConfigChecks.sortedMessages;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** A setting with a fixed set of values is refused by name, with the values it takes, when given none of them. */
class ChoicesCheckTest {

    @Test
    void aValueOutsideTheChoicesIsRefusedWithTheChoicesAndTheClosest() {
        assertEquals(List.of(
                "switchboard.cdc.cluster=kubernets: not one of file, kubernetes, database (did you mean 'kubernetes'?)",
                "switchboard.sources.feed.destination=topics: not one of queue, topic (did you mean 'topic'?)",
                "switchboard.sources.shop.kind=webhok: not one of webhook, queue, cdc (did you mean 'webhook'?)",
                "switchboard.sources.shop.signature=hmac: not one of none, hmac-sha256, github, stripe,"
                        + " standard-webhooks"),
                sortedMessages(new ChoicesCheck(), Map.of("switchboard.sources.shop.kind", "webhok",
                        "switchboard.sources.shop.signature", "hmac", "switchboard.sources.feed.destination", "topics",
                        "switchboard.cdc.cluster", "kubernets")));
    }

    @Test
    void everyFormTheHubReadsPasses() {
        // The mapping's converter takes the constant's name as well as its hyphenated lower case.
        assertEquals(List.of(), sortedMessages(new ChoicesCheck(), Map.of("switchboard.sources.shop.kind", "webhook",
                "switchboard.sources.shop.signature", "HMAC_SHA256", "switchboard.sources.gh.signature", "github",
                "switchboard.sources.sw.signature", "standard-webhooks", "switchboard.sources.shop.signature-encoding",
                "base64", "switchboard.sources.feed.destination", "topic", "switchboard.cdc.cluster", "file",
                "switchboard.runs.workers", "not a choice, and not this check's")));
    }
}
