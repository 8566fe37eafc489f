package dev.switchboard.ops;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.switchboard.rules.RulesInForce;
import dev.switchboard.runs.RunState;
import dev.switchboard.support.Events;
import dev.switchboard.support.HubState;
import dev.switchboard.support.HubTestProfile;
import dev.switchboard.support.Workspace;

/** The dashboard signed in as each role: a viewer sees the dead letters without buttons and cannot act. */
@QuarkusTest
@TestProfile(HubTestProfile.class)
class DashboardRolesTest {

    @Inject
    DataSource dataSource;

    @Inject
    RulesInForce repository;

    /** Signs in through the dashboard's login form; returns the session cookie. */
    static String signIn(String user) {
        return given().auth().none().redirects().follow(false)
                .formParam("j_username", user).formParam("j_password", HubTestProfile.PASSWORD)
                .post("/j_security_check").then().statusCode(302).extract().cookie("quarkus-credential");
    }

    @BeforeEach
    void rules() {
        Workspace.bindPort("roles-log", Map.of("connector", "log"));
        Workspace.writeRule("dashboard-roles.yaml", """
                rules:
                  - id: roles-rule
                    on: roles.*
                    actions: [{id: call, port: roles-log, body: '{{data.missing}}'}]
                """);
        assertEquals(List.of(), repository.reload());
    }

    /** A run whose body cannot be rendered: DEAD at once. */
    String deadRun() {
        UUID event = Events.post("roles.call", "");
        Events.awaitRuns(dataSource, event, Duration.ofSeconds(20), RunState.DEAD);
        return HubState.text(dataSource, "select id::text from action_run where event_id = ?", event);
    }

    @Test
    void beyondTheRunsShownThePageSaysHowManyThereAre() {
        List<UUID> events = new ArrayList<>();
        for (int i = 0; i < 201; i++) {
            events.add(Events.post("roles.call", ""));
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> HubState.count(dataSource,
                "select count(*) from action_run where state = 'DEAD' and event_id = any (?)",
                (Object) events.toArray(UUID[]::new)) == 201);
        String page = given().auth().none().cookie("quarkus-credential", signIn(HubTestProfile.OPERATOR))
                .get("/ui/dead").then().statusCode(200).extract().asString();
        Matcher shown = Pattern.compile("Showing the 200 most recent of (\\d+) dead runs\\.").matcher(page);
        assertTrue(shown.find(), page);
        String total = shown.group(1);
        assertTrue(Long.parseLong(total) > 200, total);
        assertTrue(page.contains("Replay all " + total) && page.contains("Discard all " + total), page);
    }

    @Test
    void aViewerSeesDeadRunsWithoutButtonsAndIsRefused() {
        String run = deadRun();

        String viewer = signIn(HubTestProfile.VIEWER);
        given().auth().none().cookie("quarkus-credential", viewer).get("/ui/dead").then().statusCode(200)
                .body(containsString("dead-" + run))
                .body(containsString("need the operator role"))
                .body(not(containsString("class=\"replay\"")))
                .body(not(containsString("discard-all")));
        given().auth().none().cookie("quarkus-credential", viewer).redirects().follow(false)
                .post("/ui/runs/" + run + "/discard").then().statusCode(403);
        given().auth().none().cookie("quarkus-credential", viewer).redirects().follow(false)
                .post("/ui/dead/discard-all").then().statusCode(403);
        assertEquals("DEAD", HubState.text(dataSource, "select state from action_run where id = ?::uuid", run));

        String operator = signIn(HubTestProfile.OPERATOR);
        given().auth().none().cookie("quarkus-credential", operator).get("/ui/dead").then().statusCode(200)
                .body(containsString("dead-" + run))
                .body(containsString("class=\"replay\""))
                .body(containsString("discard-all"));
        given().auth().none().cookie("quarkus-credential", operator).redirects().follow(false)
                .post("/ui/runs/" + run + "/discard").then().statusCode(303);
        assertEquals("DISCARDED", HubState.text(dataSource, "select state from action_run where id = ?::uuid", run));
    }
}
