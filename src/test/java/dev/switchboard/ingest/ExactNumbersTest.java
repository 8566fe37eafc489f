package dev.switchboard.ingest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.switchboard.stream.IncomingEvent;
import dev.switchboard.support.Events;
import dev.switchboard.support.HubState;
import dev.switchboard.support.HubTestProfile;

/**
 * A webhook's numbers are kept as the sender wrote them, not as doubles: two ids that a double
 * cannot tell apart are two events (one was answered a duplicate of the other, and dropped), and
 * a large integer written with a decimal point is stored exactly.
 */
@QuarkusTest
@TestProfile(HubTestProfile.class)
class ExactNumbersTest {

    @Inject
    DataSource dataSource;

    private static void accepted(String id, String extra) {
        given().contentType("application/json")
                .body("{\"id\":" + id + ",\"type\":\"numbers.exact\"" + extra + "}")
                .post("/hooks/events").then().statusCode(202).body("deliveryId", equalTo(new BigDecimal(id).toString()));
    }

    @Test
    void idsADoubleCannotTellApartAreTwoEvents() {
        String unique = Long.toString(System.nanoTime());
        // Both are Infinity as doubles; as written they are two numbers, so two deliveries.
        accepted("1e5" + unique.substring(unique.length() - 2), "");
        accepted("1e6" + unique.substring(unique.length() - 2), "");
        // 0.1 + 0.2 apart: the same double, two different numbers.
        accepted("0.3000000000000000" + unique.substring(unique.length() - 3), "");
        accepted("0.300000000000000" + unique.substring(unique.length() - 3), "");
    }

    /**
     * PostgreSQL writes every number out in full: 1e131071, 8 bytes sent, would be stored and read
     * back as 131,072 digits. A number longer than 1,000 digits written out is refused, as one sent
     * with more than 1,000 digits is.
     */
    @Test
    void aNumberTooLongWrittenOutIsRefused() {
        for (String number : new String[] {"1e1000", "1e131071", "1e-1000", "-1.5e999999999"}) {
            given().contentType("application/json")
                    .body("{\"id\":\"" + UUID.randomUUID() + "\",\"type\":\"numbers.exact\",\"n\":" + number + "}")
                    .post("/hooks/events").then().statusCode(400)
                    .body("type", equalTo("urn:switchboard:problem:malformed-json"));
        }
        // 1e999 is written out in 1,000 digits: kept, and judged once read back from the stream.
        String id = UUID.randomUUID().toString();
        given().contentType("application/json")
                .body("{\"id\":\"" + id + "\",\"type\":\"numbers.exact\",\"n\":1e999}")
                .post("/hooks/events").then().statusCode(202);
        assertEquals("IGNORED", Events.awaitOutcome(dataSource, IncomingEvent.eventId("events", id)));
    }

    @Test
    void aLargeNumberIsStoredAsWritten() {
        String id = "\"" + UUID.randomUUID() + "\"";
        given().contentType("application/json")
                .body("{\"id\":" + id + ",\"type\":\"numbers.exact\",\"amount\":9007199254740993.0}")
                .post("/hooks/events").then().statusCode(202);
        UUID event = IncomingEvent.eventId("events", id.replace("\"", ""));
        assertEquals("9007199254740993.0", HubState.text(dataSource,
                "select envelope->'data'->>'amount' from event where id = ?", event));
    }
}
