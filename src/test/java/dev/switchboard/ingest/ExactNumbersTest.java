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
        accepted("1e4" + unique.substring(unique.length() - 2) + "0", "");
        accepted("1e4" + unique.substring(unique.length() - 2) + "1", "");
        // 0.1 + 0.2 apart: the same double, two different numbers.
        accepted("0.3000000000000000" + unique.substring(unique.length() - 3), "");
        accepted("0.300000000000000" + unique.substring(unique.length() - 3), "");
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
