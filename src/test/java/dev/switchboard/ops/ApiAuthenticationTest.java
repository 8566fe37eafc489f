package dev.switchboard.ops;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.switchboard.support.HubTestProfile;

/** The admin API needs credentials; a viewer reads but cannot act; probes stay open. */
@QuarkusTest
@TestProfile(HubTestProfile.class)
class ApiAuthenticationTest {

    @Test
    void withoutCredentialsIs401() {
        given().auth().none().get("/api/runs").then().statusCode(401);
        given().auth().none().get("/api/rules").then().statusCode(401);
        given().auth().none().post("/api/runs/replay").then().statusCode(401);
    }

    @Test
    void wrongPasswordIs401() {
        given().auth().preemptive().basic(HubTestProfile.OPERATOR, "guess").get("/api/runs").then().statusCode(401);
    }

    @Test
    void aViewerReadsButCannotReplayDiscardOrReload() {
        given().auth().preemptive().basic(HubTestProfile.VIEWER, HubTestProfile.PASSWORD)
                .get("/api/runs").then().statusCode(200);
        given().auth().preemptive().basic(HubTestProfile.VIEWER, HubTestProfile.PASSWORD)
                .get("/api/rules").then().statusCode(200);
        given().auth().preemptive().basic(HubTestProfile.VIEWER, HubTestProfile.PASSWORD)
                .post("/api/runs/" + UUID.randomUUID() + "/replay").then().statusCode(403);
        given().auth().preemptive().basic(HubTestProfile.VIEWER, HubTestProfile.PASSWORD)
                .post("/api/runs/replay").then().statusCode(403);
        given().auth().preemptive().basic(HubTestProfile.VIEWER, HubTestProfile.PASSWORD)
                .post("/api/runs/" + UUID.randomUUID() + "/discard").then().statusCode(403);
        given().auth().preemptive().basic(HubTestProfile.VIEWER, HubTestProfile.PASSWORD)
                .post("/api/rules/reload").then().statusCode(403);
    }

    @Test
    void anOperatorActs() {
        given().queryParam("rule", "no-such-rule").post("/api/runs/replay").then().statusCode(200)
                .body("replayed", equalTo(0));
    }

    @Test
    void webhooksHealthAndMetricsNeedNoCredentials() {
        given().auth().none().get("/q/health/live").then().statusCode(200);
        given().auth().none().get("/q/metrics").then().statusCode(200);
        given().auth().none().contentType("application/json").body("{\"type\":\"t\"}")
                .post("/hooks/open").then().statusCode(org.hamcrest.Matchers.anyOf(equalTo(200), equalTo(202)));
    }
}
