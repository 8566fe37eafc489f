package dev.switchboard.ops;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

import dev.switchboard.rules.RulesInForce;
import dev.switchboard.support.HubTestProfile;
import dev.switchboard.support.Workspace;

/**
 * The stricter settings an operator can choose: rule errors make the hub unready, and health and
 * metrics need credentials (as docs/api.md shows).
 */
@QuarkusTest
@TestProfile(StrictOperationsTest.Strict.class)
class StrictOperationsTest {

    public static class Strict implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return HubTestProfile.with(Map.of(
                    "switchboard.rules.errors-make-unready", "true",
                    "quarkus.http.auth.permission.probes.paths", "/q/metrics,/q/health,/q/health/*",
                    "quarkus.http.auth.permission.probes.policy", "authenticated",
                    "quarkus.http.auth.permission.probes.auth-mechanism", "basic"));
        }
    }

    @Inject
    RulesInForce repository;

    @AfterEach
    void removeTheBrokenRule() {
        Workspace.deleteRule("readiness-broken.yaml");
        assertEquals(List.of(), repository.reload());
    }

    @Test
    void ruleErrorsMakeItUnreadyUntilFixed() {
        assertEquals(List.of(), repository.reload());
        given().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'rules' }.status", equalTo("UP"));

        Workspace.writeRule("readiness-broken.yaml", "rules: [ {id: x");
        assertFalse(repository.reload().isEmpty());
        given().get("/q/health/ready").then().statusCode(503)
                .body("checks.find { it.name == 'rules' }.status", equalTo("DOWN"))
                .body("checks.find { it.name == 'rules' }.data.loadErrors", equalTo(1));

        Workspace.deleteRule("readiness-broken.yaml");
        assertEquals(List.of(), repository.reload());
        given().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'rules' }.status", equalTo("UP"));
    }

    @Test
    void healthAndMetricsCanBeClosedToAnonymousCallers() {
        given().auth().none().get("/q/health/ready").then().statusCode(401);
        given().auth().none().get("/q/health").then().statusCode(401);
        given().auth().none().get("/q/metrics").then().statusCode(401);
        given().get("/q/metrics").then().statusCode(200);
        given().get("/q/health/live").then().statusCode(200);
    }
}
