package dev.switchboard.ops;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
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
 * The stricter settings an operator can choose: rule errors make the hub unready, changes on disk
 * wait for an operator to apply them, and health and metrics need credentials (as docs/api.md
 * shows).
 */
@QuarkusTest
@TestProfile(StrictOperationsTest.Strict.class)
class StrictOperationsTest {

    public static class Strict implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return HubTestProfile.with(Map.of(
                    "switchboard.rules.errors-make-unready", "true",
                    "switchboard.rules.reload-on-change", "false",
                    "switchboard.rules.reload-interval", "1s",
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
        Workspace.deleteRule("applied-by-hand.yaml");
        Workspace.unbindPort("by-hand-log");
        assertEquals(List.of(), repository.reload());
    }

    @Test
    void aChangeOnDiskWaitsForAnOperatorWhoSeesWhatChangedAndAppliesIt() throws Exception {
        assertEquals(List.of(), repository.reload());
        given().get("/api/rules").then().body("changedOnDisk", empty()).body("changesWaitForOperator", equalTo(true));

        Workspace.bindPort("by-hand-log", Map.of("connector", "log"));
        Workspace.writeRule("applied-by-hand.yaml", """
                rules:
                  - id: applied-by-hand
                    on: by.hand
                    actions: [{id: call, port: by-hand-log}]
                """);
        // Several of the checks (every 1s here) that would have loaded it by now.
        Thread.sleep(3 * 1_000 + 500);
        given().get("/api/rules").then()
                .body("rules.id", not(hasItem("applied-by-hand")))
                .body("changedOnDisk.find { it.file.endsWith('applied-by-hand.yaml') }.change", equalTo("new"))
                .body("changedOnDisk.find { it.file.endsWith('.properties') }.change", equalTo("changed"));

        String operator = DashboardRolesTest.signIn(HubTestProfile.OPERATOR);
        given().auth().none().cookie("quarkus-credential", operator).get("/ui/rules").then().statusCode(200)
                .body(containsString("Changed on disk, not in force"))
                .body(containsString("applied-by-hand.yaml</code> new"))
                .body(containsString("id=\"backtest-disk\""))
                .body(containsString("id=\"apply-disk\""));
        String viewer = DashboardRolesTest.signIn(HubTestProfile.VIEWER);
        given().auth().none().cookie("quarkus-credential", viewer).get("/ui/rules").then().statusCode(200)
                .body(not(containsString("id=\"apply-disk\"")));
        given().auth().none().cookie("quarkus-credential", viewer).redirects().follow(false)
                .post("/ui/rules/apply").then().statusCode(403);

        given().auth().none().cookie("quarkus-credential", operator).redirects().follow(false)
                .post("/ui/rules/apply").then().statusCode(303);
        given().get("/api/rules").then().body("rules.id", hasItem("applied-by-hand")).body("changedOnDisk", empty());
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
