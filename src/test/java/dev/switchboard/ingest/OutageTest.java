package dev.switchboard.ingest;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.response.ValidatableResponse;

import dev.switchboard.boot.EmbeddedBroker;
import dev.switchboard.boot.EmbeddedDatabase;
import dev.switchboard.stream.IncomingEvent;
import dev.switchboard.support.HubState;
import dev.switchboard.support.HubTestProfile;
import dev.switchboard.support.Signing;

/**
 * With the broker or the database down nothing is accepted (503, Retry-After) and readiness is
 * DOWN; once it is back, the sender's retry is accepted once.
 */
@QuarkusTest
@TestProfile(HubTestProfile.class)
class OutageTest {

    @Inject
    DataSource dataSource;

    @Test
    void brokerDownMeans503ThenTheRetryIsAcceptedOnce() {
        String body = order();
        EmbeddedBroker.stop();
        try {
            refusedWhileDown(body);
            assertEquals(0, HubState.count(dataSource, "select count(*) from event where id = ?", eventId(body)));
            assertEquals(0, HubState.count(dataSource,
                    "select count(*) from idempotency_key where processor = 'ingest' and key = ?", "hmac:" + id(body)));
        } finally {
            EmbeddedBroker.restart();
        }
        acceptedOnceAfter(body);
    }

    @Test
    void databaseDownMeans503ThenTheRetryIsAcceptedOnce() {
        String body = order();
        EmbeddedDatabase.stop();
        try {
            refusedWhileDown(body);
        } finally {
            EmbeddedDatabase.restart();
        }
        acceptedOnceAfter(body);
    }

    private static void refusedWhileDown(String body) {
        deliver(body).statusCode(503)
                .contentType(Problem.MEDIA_TYPE)
                .header("Retry-After", "5")
                .body("type", equalTo("urn:switchboard:problem:unavailable"));
        await().atMost(Duration.ofSeconds(15)).until(() -> RestAssured.get("/q/health/ready").statusCode() == 503);
    }

    private void acceptedOnceAfter(String body) {
        // Pools replace their broken connections; until then a retry may still be refused.
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                .until(() -> deliver(body).extract().statusCode() != 503);
        deliver(body).statusCode(200).body("event", equalTo(eventId(body).toString()));
        assertEquals(1, HubState.count(dataSource, "select count(*) from event where id = ?", eventId(body)));
        // consumed: no rule takes shop.order.created from this source, so the event ends IGNORED
        await().atMost(Duration.ofSeconds(30)).until(() -> "IGNORED".equals(HubState.eventState(dataSource, eventId(body))));
        await().atMost(Duration.ofSeconds(15)).until(() -> RestAssured.get("/q/health/ready").statusCode() == 200);
    }

    private static String order() {
        return "{\"id\":\"" + UUID.randomUUID() + "\",\"type\":\"shop.order.created\"}";
    }

    private static String id(String body) {
        return body.substring(7, 43);
    }

    private static UUID eventId(String body) {
        return IncomingEvent.eventId("hmac", id(body));
    }

    private static ValidatableResponse deliver(String body) {
        return given().contentType("application/json")
                .header("X-Signature", "sha256=" + Signing.hmacHex("new-secret", body))
                .body(body).post("/hooks/hmac").then();
    }
}
