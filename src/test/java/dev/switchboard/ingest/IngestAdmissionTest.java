package dev.switchboard.ingest;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.response.Response;

import dev.switchboard.stream.IncomingEvent;
import dev.switchboard.support.HubState;
import dev.switchboard.support.HubTestProfile;

/**
 * At most {@code max-concurrent} webhooks are being accepted at once; one more waits, and is
 * refused with 503 and Retry-After when no acceptance finishes in time. Nothing of it is stored,
 * and its retry is accepted once.
 */
@QuarkusTest
@TestProfile(HubTestProfile.class)
class IngestAdmissionTest {

    static final String BUFFERED = "switchboard_ingest_buffered_bytes";
    static final String OVERLOADED = "switchboard_ingest_rejected_total{reason=\"overloaded\",source=\"events\"}";
    static final String SENDER_GONE = "switchboard_ingest_rejected_total{reason=\"sender-gone\",source=\"events\"}";

    @Inject
    DataSource dataSource;

    @Inject
    IngestConfig config;

    @Test
    void requestsOverTheBoundWaitThenAreRefusedAndTheirRetryIsAcceptedOnce() throws Exception {
        ExecutorService senders = Executors.newFixedThreadPool(config.maxConcurrent());
        List<Future<Response>> held;
        String refused = order();
        double refusedBefore = HubState.metric(OVERLOADED);
        try (Connection blocker = dataSource.getConnection()) {
            held = takeEveryTurn(blocker, senders);
            assertEquals(0, HubState.metric("switchboard_ingest_queued"),
                    "requests waiting for a turn run on worker threads: none waits for a thread");

            long started = System.nanoTime();
            post(refused).then().statusCode(503)
                    .header("Retry-After", WebhookRoute.RETRY_AFTER_SECONDS)
                    .contentType(Problem.MEDIA_TYPE)
                    .body("type", equalTo("urn:switchboard:problem:overloaded"));
            Duration waited = Duration.ofNanos(System.nanoTime() - started);
            assertEquals(true, waited.compareTo(config.admissionWait()) >= 0, "refused after waiting " + waited);
            blocker.rollback();
        }
        assertAllAccepted(held, senders);
        assertEquals(0, HubState.metric("switchboard_ingest_in_flight"));
        assertEquals(refusedBefore + 1, HubState.metric(OVERLOADED), "the refusal is counted");

        UUID eventId = IncomingEvent.eventId("events", id(refused));
        assertEquals(0, HubState.count(dataSource, "select count(*) from event where id = ?", eventId));
        post(refused).then().statusCode(202);
        post(refused).then().statusCode(200);
        assertEquals(1, HubState.count(dataSource, "select count(*) from event where id = ?", eventId));
    }

    @Test
    void aRequestWhoseSenderHungUpWhileItWaitedIsDroppedNotAccepted() throws Exception {
        ExecutorService senders = Executors.newFixedThreadPool(config.maxConcurrent());
        List<Future<Response>> held;
        String abandoned = order();
        double droppedBefore = HubState.metric(SENDER_GONE);
        double buffered;
        try (Connection blocker = dataSource.getConnection()) {
            held = takeEveryTurn(blocker, senders);
            // The request waits for a turn; its sender gives up before one comes.
            try (Socket sender = new Socket("127.0.0.1", RestAssured.port)) {
                byte[] bytes = abandoned.getBytes(StandardCharsets.UTF_8);
                sender.getOutputStream().write(("POST /hooks/events HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        + "Content-Type: application/json\r\nContent-Length: " + bytes.length + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                sender.getOutputStream().write(bytes);
                sender.getOutputStream().flush();
                await().atMost(Duration.ofSeconds(3))
                        .until(() -> HubState.metric("switchboard_ingest_waiting") == 1);
                buffered = HubState.metric(BUFFERED);
            }
            // Its turn must come after the hub has seen the connection go (its body's bytes are
            // given back then), or there is nothing to tell it left from a slow sender.
            double othersBuffered = buffered - abandoned.getBytes(StandardCharsets.UTF_8).length;
            await("the hub notices that the sender hung up").atMost(Duration.ofSeconds(10))
                    .until(() -> HubState.metric(BUFFERED) == othersBuffered);
            blocker.rollback();
        }
        assertAllAccepted(held, senders);
        await().atMost(Duration.ofSeconds(10)).until(() -> HubState.metric(SENDER_GONE) == droppedBefore + 1);
        UUID eventId = IncomingEvent.eventId("events", id(abandoned));
        assertEquals(0, HubState.count(dataSource, "select count(*) from event where id = ?", eventId),
                "nothing of the abandoned request was accepted");
        post(abandoned).then().statusCode(202);
    }

    /**
     * Sends as many requests as there are turns while {@code blocker} locks the idempotency table,
     * so that each acceptance waits for the lock: every turn stays taken until it rolls back.
     */
    private List<Future<Response>> takeEveryTurn(Connection blocker, ExecutorService senders) throws Exception {
        blocker.setAutoCommit(false);
        blocker.createStatement().execute("lock table idempotency_key in exclusive mode");
        List<Future<Response>> held = new ArrayList<>();
        for (int i = 0; i < config.maxConcurrent(); i++) {
            String body = order();
            held.add(senders.submit(() -> post(body)));
        }
        await().atMost(Duration.ofSeconds(30))
                .until(() -> HubState.metric("switchboard_ingest_in_flight") == config.maxConcurrent());
        return held;
    }

    private static void assertAllAccepted(List<Future<Response>> held, ExecutorService senders) throws Exception {
        for (Future<Response> response : held) {
            assertEquals(202, response.get().statusCode(), response.get().asString());
        }
        senders.shutdown();
    }

    private static Response post(String body) {
        return given().contentType("application/json").body(body).post("/hooks/events");
    }

    private static String order() {
        return "{\"id\":\"" + UUID.randomUUID() + "\",\"type\":\"test.admission\"}";
    }

    private static String id(String body) {
        return body.substring(7, 43);
    }
}
