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

import dev.switchboard.boot.EmbeddedDatabase;
import dev.switchboard.stream.IncomingEvent;
import dev.switchboard.support.HubState;
import dev.switchboard.support.HubTestProfile;
import dev.switchboard.support.Signing;

/** With the database down nothing is accepted; once it is back, the sender's retry is accepted once. */
@QuarkusTest
@TestProfile(HubTestProfile.class)
class DatabaseOutageTest {

    @Inject
    DataSource dataSource;

    @Test
    void databaseDownMeans503ThenTheRetryIsAcceptedOnce() {
        String deliveryId = UUID.randomUUID().toString();
        String body = "{\"id\":\"" + deliveryId + "\",\"type\":\"shop.order.created\"}";
        UUID eventId = IncomingEvent.eventId("hmac", deliveryId);

        EmbeddedDatabase.stop();
        try {
            deliver(body).statusCode(503)
                    .contentType(Problem.MEDIA_TYPE)
                    .header("Retry-After", "5")
                    .body("type", equalTo("urn:switchboard:problem:unavailable"));
            await().atMost(Duration.ofSeconds(15))
                    .until(() -> RestAssured.get("/q/health/ready").statusCode() == 503);
        } finally {
            EmbeddedDatabase.restart();
        }

        // The pool replaces its broken connections; until then a retry may still be refused.
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                .until(() -> deliver(body).extract().statusCode() != 503);
        deliver(body).statusCode(200).body("event", equalTo(eventId.toString()));
        assertEquals(1, HubState.count(dataSource, "select count(*) from event where id = ?", eventId));
        await().atMost(Duration.ofSeconds(15))
                .until(() -> RestAssured.get("/q/health/ready").statusCode() == 200);
    }

    private static ValidatableResponse deliver(String body) {
        return given().contentType("application/json")
                .header("X-Signature", "sha256=" + Signing.hmacHex("new-secret", body))
                .body(body).post("/hooks/hmac").then();
    }
}
