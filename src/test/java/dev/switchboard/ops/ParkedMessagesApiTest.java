package dev.switchboard.ops;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSProducer;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;

import dev.switchboard.core.ExchangeKeys;
import dev.switchboard.stream.IncomingEvent;
import dev.switchboard.stream.StreamAddresses;
import dev.switchboard.support.HubState;
import dev.switchboard.support.HubTestProfile;
import dev.switchboard.support.Queues;

/**
 * Messages parked on the broker's parking queues (queue sources of HubTestProfile, the
 * stream's): listed with their reason, replayed to the source's address, discarded one by one or
 * all at once, each move in one JMS transaction.
 */
@QuarkusTest
@TestProfile(HubTestProfile.class)
class ParkedMessagesApiTest {

    private static final String JSON_PARKED = "test.queue.json.parked";
    private static final String KEYED_PARKED = "test.queue.keyed.rejected";

    @Inject
    DataSource dataSource;

    @Inject
    ConnectionFactory broker;

    @Test
    void everyParkingQueueOfTheHubIsListedWithWhereItsMessagesCameFrom() {
        JsonPath queues = given().get("/api/parked").then().statusCode(200).extract().jsonPath();
        assertEquals(StreamAddresses.EVENTS, queues.getString("find { it.name == 'switchboard.parked' }.from"));
        assertNull(queues.get("find { it.name == 'switchboard.parked' }.replayTo"), "nowhere to replay to");
        assertNull(queues.get("find { it.name == 'switchboard.routes.parked' }.replayTo"), "nowhere to replay to");
        assertNull(queues.get("find { it.name == 'switchboard.dead' }"), "DEAD runs are listed as runs");
        assertEquals("test.queue.json", queues.getString("find { it.name == '" + JSON_PARKED + "' }.replayTo"));
        assertEquals("test.queue.keyed", queues.getString("find { it.name == '" + KEYED_PARKED + "' }.from"));
        assertNull(queues.get("find { it.name == 'test.topic.parked' }.replayTo"),
                "a topic source's messages would reach every subscriber again");
        assertEquals(queues.getList("name"), given().get("/api/dead-letters").then().statusCode(200).extract()
                .jsonPath().getList("name"), "the former path answers too");
    }

    @Test
    void anUnreadableMessageIsListedWithItsReasonAndReplayedItParksAgain() {
        String body = "not json " + UUID.randomUUID();
        send("test.queue.json", body, Map.of());
        Map<String, Object> parked = awaitParked(JSON_PARKED, body);
        assertTrue(((String) parked.get("reason")).contains("not a JSON object or array"), parked.toString());
        assertEquals("test.queue.json", parked.get("cameFrom"));
        assertNotNull(parked.get("parkedAt"));
        long count = given().get("/api/parked").then().statusCode(200).extract().jsonPath()
                .getLong("find { it.name == '" + JSON_PARKED + "' }.count");
        assertTrue(count >= 1, "counted: " + count);

        long sentToSource = Queues.added("test.queue.json");
        given().contentType("application/json")
                .post("/api/parked/" + JSON_PARKED + "/" + parked.get("id") + "/replay").then().statusCode(200)
                .body("to", equalTo("test.queue.json"));

        await().atMost(Duration.ofSeconds(5)).until(() -> Queues.added("test.queue.json") == sentToSource + 1);
        // Read again by the source, still unreadable: parked again, as a new message with a fresh reason.
        Map<String, Object> again = awaitParked(JSON_PARKED, body);
        assertNotEquals(parked.get("id"), again.get("id"));
        assertEquals(parked.get("reason"), again.get("reason"));
        assertEquals(1, parkedWith(JSON_PARKED, body).size(), "moved, not copied");
    }

    @Test
    void aReadableMessageParkedByHandBecomesAnEventWhenReplayed() {
        String id = UUID.randomUUID().toString();
        String body = "{\"id\":\"" + id + "\",\"type\":\"test.replayed\"}";
        send(JSON_PARKED, body, Map.of(ExchangeKeys.PARKED_REASON, "parked by hand"));
        Map<String, Object> parked = awaitParked(JSON_PARKED, body);
        assertEquals("parked by hand", parked.get("reason"));

        given().contentType("application/json")
                .post("/api/parked/" + JSON_PARKED + "/" + parked.get("id") + "/replay").then().log().ifValidationFails().statusCode(200);

        UUID event = IncomingEvent.eventId("queue-json", id);
        await().atMost(Duration.ofSeconds(20)).until(() -> HubState.eventState(dataSource, event) != null);
        assertEquals(List.of(), parkedWith(JSON_PARKED, body));
        given().contentType("application/json")
                .post("/api/parked/" + JSON_PARKED + "/" + parked.get("id") + "/replay").then().statusCode(404)
                .contentType("application/problem+json").body("detail", containsString("No message"));
    }

    @Test
    void discardRemovesExactlyThatMessage() {
        String marker = UUID.randomUUID().toString();
        send(KEYED_PARKED, "first " + marker, Map.of(ExchangeKeys.PARKED_REASON, "by hand"));
        send(KEYED_PARKED, "second " + marker, Map.of(ExchangeKeys.PARKED_REASON, "by hand"));
        Map<String, Object> first = awaitParked(KEYED_PARKED, "first " + marker);
        awaitParked(KEYED_PARKED, "second " + marker);

        given().contentType("application/json")
                .post("/api/parked/" + KEYED_PARKED + "/" + first.get("id") + "/discard").then().statusCode(200)
                .body("discarded", equalTo(first.get("id")));

        assertEquals(List.of(), parkedWith(KEYED_PARKED, "first " + marker));
        assertEquals(1, parkedWith(KEYED_PARKED, "second " + marker).size(), "the other one stays");
        given().contentType("application/json")
                .post("/api/parked/" + KEYED_PARKED + "/" + first.get("id") + "/discard").then().statusCode(404);
    }

    @Test
    void replayAllMovesEveryMessageParkedNow() {
        String first = UUID.randomUUID().toString();
        String second = UUID.randomUUID().toString();
        send(KEYED_PARKED, "order " + first, Map.of("OrderId", first));
        send(KEYED_PARKED, "order " + second, Map.of("OrderId", second));
        awaitParked(KEYED_PARKED, "order " + second);

        int replayed = given().contentType("application/json")
                .post("/api/parked/" + KEYED_PARKED + "/replay").then().statusCode(200)
                .extract().path("replayed");

        assertTrue(replayed >= 2, "replayed " + replayed);
        for (String order : List.of(first, second)) {
            UUID event = IncomingEvent.eventId("queue-keyed", order);
            await().atMost(Duration.ofSeconds(20)).until(() -> HubState.eventState(dataSource, event) != null);
            assertEquals(List.of(), parkedWith(KEYED_PARKED, "order " + order), "moved, not copied");
        }
    }

    @Test
    void theStreamsQueueListsUnreadableMessagesNotDeadRunsAndOnlyDiscards() throws Exception {
        String unreadable = "not a CloudEvent " + UUID.randomUUID();
        String runLetter = "{\"kind\":\"action-run\",\"marker\":\"" + UUID.randomUUID() + "\"}";
        String run = UUID.randomUUID().toString();
        send(StreamAddresses.EVENTS, unreadable, Map.of());
        send(StreamAddresses.DEAD_RUNS, runLetter, Map.of(ExchangeKeys.DEAD_RUN, run));
        Map<String, Object> parked = awaitParked(StreamAddresses.PARKED, unreadable);
        assertEquals(StreamAddresses.EVENTS, parked.get("cameFrom"));
        assertEquals(List.of(), parkedWith(StreamAddresses.PARKED, runLetter), "a DEAD run is listed as a run");
        given().get("/api/parked/" + StreamAddresses.DEAD_RUNS).then().statusCode(404);

        given().contentType("application/json")
                .post("/api/parked/" + StreamAddresses.PARKED + "/" + parked.get("id") + "/replay")
                .then().statusCode(409).contentType("application/problem+json")
                .body("detail", containsString("can only be discarded"));
        given().contentType("application/json")
                .post("/api/parked/" + StreamAddresses.PARKED + "/discard").then().statusCode(200);

        assertEquals(List.of(), parkedWith(StreamAddresses.PARKED, unreadable));
        try (JMSContext context = broker.createContext()) {
            assertTrue(context.createBrowser(context.createQueue(StreamAddresses.DEAD_RUNS), ExchangeKeys.DEAD_RUN + " = '" + run
                    + "'").getEnumeration().hasMoreElements(), "the run's letter stays for whatever watches the address");
        }
    }

    @Test
    void anUnknownQueueIs404AndAPageTooLargeIs400() {
        given().get("/api/parked/no.such.queue").then().statusCode(404)
                .contentType("application/problem+json").body("detail", startsWith("No parking queue no.such.queue"));
        given().contentType("application/json")
                .post("/api/parked/no.such.queue/ID:1/discard").then().statusCode(404)
                .contentType("application/problem+json");
        given().contentType("application/json")
                .post("/api/parked/" + KEYED_PARKED + "/ID:no-such-message/discard").then().statusCode(404)
                .contentType("application/problem+json").body("title", equalTo("Not found"));
        given().queryParam("size", 0).get("/api/parked/" + KEYED_PARKED).then().statusCode(400)
                .contentType("application/problem+json");
    }

    @Test
    void pagesHoldOldestFirst() {
        String marker = UUID.randomUUID().toString();
        send(KEYED_PARKED, "page one " + marker, Map.of(ExchangeKeys.PARKED_REASON, "by hand"));
        send(KEYED_PARKED, "page two " + marker, Map.of(ExchangeKeys.PARKED_REASON, "by hand"));
        awaitParked(KEYED_PARKED, "page two " + marker);
        JsonPath all = given().queryParam("size", 500).get("/api/parked/" + KEYED_PARKED).then().statusCode(200)
                .extract().jsonPath();
        int total = all.getInt("total");
        JsonPath last = given().queryParam("size", 1).queryParam("page", total - 1)
                .get("/api/parked/" + KEYED_PARKED).then().statusCode(200).extract().jsonPath();
        assertEquals(1, last.getList("items").size());
        assertEquals("page two " + marker, last.getString("items[0].excerpt"), "newest last");
        assertEquals(total, last.getInt("total"));
    }

    @Test
    void aViewerReadsButCannotReplayOrDiscard() {
        String body = "viewer " + UUID.randomUUID();
        send(KEYED_PARKED, body, Map.of(ExchangeKeys.PARKED_REASON, "by hand"));
        String id = (String) awaitParked(KEYED_PARKED, body).get("id");
        for (String path : List.of(id + "/replay", id + "/discard", "replay", "discard")) {
            given().auth().preemptive().basic(HubTestProfile.VIEWER, HubTestProfile.PASSWORD)
                    .contentType("application/json")
                    .post("/api/parked/" + KEYED_PARKED + "/" + path).then().statusCode(403);
        }
        given().auth().preemptive().basic(HubTestProfile.VIEWER, HubTestProfile.PASSWORD)
                .get("/api/parked/" + KEYED_PARKED).then().statusCode(200);
        assertEquals(1, parkedWith(KEYED_PARKED, body).size(), "still parked");
    }

    private void send(String address, String body, Map<String, String> properties) {
        try (JMSContext context = broker.createContext()) {
            JMSProducer producer = context.createProducer();
            properties.forEach(producer::setProperty);
            producer.send(context.createQueue(address), body);
        }
    }

    private static Map<String, Object> awaitParked(String queue, String body) {
        await().atMost(Duration.ofSeconds(20)).until(() -> parkedWith(queue, body).size() == 1);
        return parkedWith(queue, body).get(0);
    }

    /** The listed messages of the queue (its first 500) whose excerpt is this body. */
    private static List<Map<String, Object>> parkedWith(String queue, String body) {
        List<Map<String, Object>> items = given().queryParam("size", 500).get("/api/parked/" + queue)
                .then().statusCode(200).extract().jsonPath().getList("items");
        return items.stream().filter(item -> body.equals(item.get("excerpt"))).toList();
    }
}
