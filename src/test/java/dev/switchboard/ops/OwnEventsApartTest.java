package dev.switchboard.ops;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.switchboard.ops.alerts.Alerts;
import dev.switchboard.support.Events;
import dev.switchboard.support.HubState;
import dev.switchboard.support.HubTestProfile;

/**
 * The overview's event figures count what senders sent: the hub's own events (its alerts, what its
 * user routes publish) are counted on a tile of their own, so an alerting hour does not read as business.
 */
@QuarkusTest
@TestProfile(HubTestProfile.class)
class OwnEventsApartTest {

    @Inject
    DataSource dataSource;

    @Inject
    Alerts alerts;

    static long tile(String id) {
        String overview = given().auth().none()
                .cookie("quarkus-credential", DashboardRolesTest.signIn(HubTestProfile.VIEWER)).get("/ui").asString();
        Matcher count = Pattern.compile("id=\"" + id + "\">(\\d+)<").matcher(overview);
        return count.find() ? Long.parseLong(count.group(1)) : -1;
    }

    @Test
    void anAlertIsCountedAsTheHubsOwnAndASendersEventAsReceived() {
        long received = tile("received-count");
        long own = tile("own-count");
        long alertEvents = HubState.count(dataSource, "select count(*) from event where source = 'switchboard'");

        String incident = "test-own:" + UUID.randomUUID();
        alerts.raise(incident, "test-own", "A test alert", "counted apart");
        alerts.clear(incident);
        await().atMost(Duration.ofSeconds(20)).until(() -> HubState.count(dataSource,
                "select count(*) from event where source = 'switchboard'") >= alertEvents + 2);
        assertEquals(received, tile("received-count"), "an alert is not an event received");
        long ownAfter = tile("own-count");
        assertTrue(ownAfter >= own + 2, "raised and resolved: two more of the hub's own events, " + own + " → " + ownAfter);

        Events.awaitOutcome(dataSource, Events.post("own.test", ""));
        assertEquals(received + 1, tile("received-count"));
    }
}
