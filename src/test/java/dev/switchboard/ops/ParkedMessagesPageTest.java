package dev.switchboard.ops;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSContext;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.switchboard.core.ExchangeKeys;
import dev.switchboard.stream.StreamAddresses;
import dev.switchboard.support.HubTestProfile;

/** The dashboard's parked messages, signed in as each role: listed with reason and body; operators act. */
@QuarkusTest
@TestProfile(HubTestProfile.class)
class ParkedMessagesPageTest {

    private static final String QUEUE = "test.queue.keyed.rejected";

    @Inject
    ConnectionFactory broker;

    @Test
    void aViewerSeesParkedMessagesWithoutButtonsAndAnOperatorDiscardsOne() {
        String body = "parked for the page " + UUID.randomUUID();
        String reason = "reason " + UUID.randomUUID();
        try (JMSContext context = broker.createContext()) {
            context.createProducer().setProperty(ExchangeKeys.PARKED_REASON, reason).send(context.createQueue(QUEUE), body);
            context.createProducer().setProperty(ExchangeKeys.PARKED_REASON, reason)
                    .send(context.createQueue(StreamAddresses.PARKED), "unreadable " + body);
        }
        String id = messageId(body);
        await().atMost(Duration.ofSeconds(10)).until(() -> given().get("/api/parked/" + StreamAddresses.PARKED)
                .then().extract().jsonPath().getLong("total") > 0);

        String viewer = DashboardRolesTest.signIn(HubTestProfile.VIEWER);
        given().auth().none().cookie("quarkus-credential", viewer).get("/ui/parked").then().statusCode(200)
                .body(containsString("id=\"queue-" + QUEUE + "\""))
                .body(containsString(body))
                .body(containsString(reason))
                .body(containsString("need the operator role"))
                .body(not(containsString("class=\"discard\"")));
        given().auth().none().cookie("quarkus-credential", viewer).redirects().follow(false)
                .post("/ui/parked/" + QUEUE + "/" + id + "/discard").then().statusCode(403);
        given().auth().none().cookie("quarkus-credential", viewer).redirects().follow(false)
                .post("/ui/parked/" + QUEUE + "/discard-all").then().statusCode(403);
        assertTrue(listed(body), "still parked");

        String operator = DashboardRolesTest.signIn(HubTestProfile.OPERATOR);
        given().auth().none().cookie("quarkus-credential", operator).get("/ui/parked").then().statusCode(200)
                .body(containsString("action=\"/ui/parked/" + QUEUE + "/" + id + "/discard\""))
                .body(containsString("action=\"/ui/parked/" + QUEUE + "/" + id + "/replay\""))
                // the stream's parked messages have nowhere to be replayed to
                .body(not(containsString("action=\"/ui/parked/" + StreamAddresses.PARKED + "/replay-all\"")))
                .body(containsString("action=\"/ui/parked/" + StreamAddresses.PARKED + "/discard-all\""));
        given().auth().none().cookie("quarkus-credential", operator).redirects().follow(false)
                .post("/ui/parked/" + QUEUE + "/" + id + "/discard").then().statusCode(303);
        assertFalse(listed(body), "discarded");
        given().auth().none().cookie("quarkus-credential", operator).redirects().follow(false)
                .post("/ui/parked/no.such.queue/discard-all").then().statusCode(404);
    }

    @Test
    void theNavigationAndTheDeadLetterPageLinkToIt() {
        String viewer = DashboardRolesTest.signIn(HubTestProfile.VIEWER);
        given().auth().none().cookie("quarkus-credential", viewer).get("/ui/dead").then().statusCode(200)
                .body(containsString("<a href=\"/ui/parked\">parked messages</a>"))
                .body(containsString("<a href=\"/ui/parked\">Parked messages</a>"));
    }

    private static boolean listed(String body) {
        List<Map<String, Object>> items = given().queryParam("size", 500).get("/api/parked/" + QUEUE)
                .then().statusCode(200).extract().jsonPath().getList("items");
        return items.stream().anyMatch(item -> body.equals(item.get("excerpt")));
    }

    private static String messageId(String body) {
        List<Map<String, Object>> items = given().queryParam("size", 500).get("/api/parked/" + QUEUE)
                .then().statusCode(200).extract().jsonPath().getList("items");
        return (String) items.stream().filter(item -> body.equals(item.get("excerpt"))).findFirst()
                .orElseThrow(() -> new AssertionError("not parked: " + body)).get("id");
    }
}
