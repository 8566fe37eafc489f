package dev.switchboard.ops;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.emptyOrNullString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.switchboard.support.HubTestProfile;

/** The admin API needs credentials; a viewer reads but cannot act; probes stay open. */
@QuarkusTest
@TestProfile(HubTestProfile.class)
class ApiAuthenticationTest {

    /** Every call under /api that the OpenAPI description lists, so that a new one is covered too. */
    @Test
    void withoutCredentialsEveryApiCallIs401() {
        Map<String, Map<String, Object>> paths = given().queryParam("format", "json").get("/q/openapi")
                .then().statusCode(200).extract().jsonPath().getMap("paths");
        List<Executable> calls = new ArrayList<>();
        paths.forEach((path, methods) -> {
            if (path.startsWith("/api/")) {
                String concrete = path.replaceAll("\\{[^}]+}", UUID.randomUUID().toString());
                methods.keySet().forEach(method -> calls.add(() -> assertEquals(401, given().auth().none()
                        .contentType("application/json").body("{}").request(method, concrete).statusCode(),
                        method.toUpperCase() + " " + path)));
            }
        });
        assertTrue(calls.size() >= 14, "the API's calls: " + paths.keySet());
        assertAll(calls);
    }

    @Test
    void a401IsAProblemDocumentThatSaysHowToAuthenticate() {
        for (var request : List.of(given().auth().none(),
                given().auth().preemptive().basic(HubTestProfile.OPERATOR, "not-the-password"))) {
            request.get("/api/runs").then().statusCode(401)
                    .header("WWW-Authenticate", equalTo("Basic realm=\"switchboard\""))
                    .contentType("application/problem+json")
                    .body("type", equalTo("urn:switchboard:problem:unauthorized"))
                    .body("title", equalTo("Unauthorized"))
                    .body("status", equalTo(401))
                    .body("detail", not(emptyOrNullString()))
                    .body("instance", equalTo("/api/runs"));
        }
    }

    @Test
    void a403IsAProblemDocumentThatNamesTheRoleNeeded() {
        given().auth().preemptive().basic(HubTestProfile.VIEWER, HubTestProfile.PASSWORD)
                .contentType("application/json").post("/api/rules/reload").then().statusCode(403)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:switchboard:problem:forbidden"))
                .body("title", equalTo("Forbidden"))
                .body("status", equalTo(403))
                .body("detail", containsString("operator role"))
                .body("instance", equalTo("/api/rules/reload"));
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
                .contentType("application/json")
                .post("/api/runs/" + UUID.randomUUID() + "/replay").then().statusCode(403);
        given().auth().preemptive().basic(HubTestProfile.VIEWER, HubTestProfile.PASSWORD)
                .contentType("application/json").post("/api/runs/replay").then().statusCode(403);
        given().auth().preemptive().basic(HubTestProfile.VIEWER, HubTestProfile.PASSWORD)
                .contentType("application/json")
                .post("/api/runs/" + UUID.randomUUID() + "/discard").then().statusCode(403);
        given().auth().preemptive().basic(HubTestProfile.VIEWER, HubTestProfile.PASSWORD)
                .contentType("application/json").post("/api/runs/discard").then().statusCode(403);
        given().auth().preemptive().basic(HubTestProfile.VIEWER, HubTestProfile.PASSWORD)
                .contentType("application/json").post("/api/rules/reload").then().statusCode(403);
    }

    @Test
    void anOperatorActs() {
        given().queryParam("rule", "no-such-rule").contentType("application/json")
                .post("/api/runs/replay").then().statusCode(200)
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
