package dev.switchboard.ops.web;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.specification.RequestSpecification;

import dev.switchboard.rules.RulesInForce;
import dev.switchboard.runs.RunState;
import dev.switchboard.support.Events;
import dev.switchboard.support.HubState;
import dev.switchboard.support.HubTestProfile;
import dev.switchboard.support.Workspace;

/**
 * What a page of another site can make a signed-in operator's browser send: a form posted to the
 * dashboard's replay and discard, to the login form, or to the API (which a browser may hold Basic
 * credentials for). Each is refused before it changes anything; the hub's own pages and clients
 * that are not browsers still act.
 */
@QuarkusTest
@TestProfile(HubTestProfile.class)
class CrossSiteRequestsTest {

    @Inject
    DataSource dataSource;

    @Inject
    RulesInForce repository;

    @TestHTTPResource("/")
    URL hub;

    @BeforeEach
    void rules() {
        Workspace.bindPort("cross-site-log", Map.of("connector", "log"));
        Workspace.writeRule("cross-site.yaml", """
                rules:
                  - id: cross-site-rule
                    on: cross-site.*
                    actions: [{id: call, port: cross-site-log, body: '{{data.missing}}'}]
                """);
        assertEquals(List.of(), repository.reload());
    }

    /** A run whose body cannot be rendered: DEAD at once. */
    String deadRun() {
        UUID event = Events.post("cross-site.call", "");
        Events.awaitRuns(dataSource, event, Duration.ofSeconds(20), RunState.DEAD);
        return HubState.text(dataSource, "select id::text from action_run where event_id = ?", event);
    }

    String stateOf(String run) {
        return HubState.text(dataSource, "select state from action_run where id = ?::uuid", run);
    }

    /** An operator signed in to the dashboard, as a non-browser client (no Origin, no Sec-Fetch-Site). */
    RequestSpecification signedIn() {
        String session = given().auth().none().redirects().follow(false)
                .formParam("j_username", HubTestProfile.OPERATOR).formParam("j_password", HubTestProfile.PASSWORD)
                .post("/j_security_check").then().statusCode(302).extract().cookie("quarkus-credential");
        return given().auth().none().redirects().follow(false).cookie("quarkus-credential", session);
    }

    /** The hub's own origin, as its pages' requests carry it. */
    String ownOrigin() {
        return hub.getProtocol() + "://" + hub.getHost() + ":" + hub.getPort();
    }

    @Test
    void aFormOfAnotherSitePostedToTheDashboardIsRefusedAndChangesNothing() {
        String run = deadRun();
        // What current browsers say of a form on another site, and of one on another port or
        // subdomain of the same site (which SameSite=Strict lets the session cookie go along with).
        Map<String, String> foreign = Map.of("Sec-Fetch-Site", "cross-site", "Origin", "http://evil.example");
        Map<String, String> sibling = Map.of("Sec-Fetch-Site", "same-site", "Origin", "http://localhost:1");
        Map<String, String> originOnly = Map.of("Origin", "http://evil.example"); // a browser without Sec-Fetch-*
        for (Map<String, String> headers : List.of(foreign, sibling, originOnly)) {
            for (String action : List.of("/ui/dead/discard-all", "/ui/dead/replay-all", "/ui/runs/" + run + "/discard")) {
                signedIn().headers(headers).contentType("application/x-www-form-urlencoded").post(action)
                        .then().statusCode(403).contentType("application/problem+json")
                        .body("type", equalTo("urn:switchboard:problem:cross-site-request"));
            }
        }
        assertEquals("DEAD", stateOf(run));

        // The dashboard's own form, and a client that is not a browser, act.
        signedIn().headers("Sec-Fetch-Site", "same-origin", "Origin", ownOrigin())
                .contentType("application/x-www-form-urlencoded").post("/ui/runs/" + run + "/replay")
                .then().statusCode(303);
        String other = deadRun();
        signedIn().post("/ui/runs/" + other + "/discard").then().statusCode(303);
        assertEquals("DISCARDED", stateOf(other));
    }

    @Test
    void aSignInPostedFromAnotherSiteIsRefused() {
        given().auth().none().redirects().follow(false).header("Origin", "http://evil.example")
                .formParam("j_username", HubTestProfile.OPERATOR).formParam("j_password", HubTestProfile.PASSWORD)
                .post("/j_security_check").then().statusCode(403)
                .body("type", equalTo("urn:switchboard:problem:cross-site-request"));
        given().auth().none().redirects().follow(false).header("Origin", ownOrigin())
                .formParam("j_username", HubTestProfile.OPERATOR).formParam("j_password", HubTestProfile.PASSWORD)
                .post("/j_security_check").then().statusCode(302);
    }

    @Test
    void theApiTakesNoStateChangeAnHtmlFormCouldSend() {
        String run = deadRun();
        for (String type : List.of("text/plain", "application/x-www-form-urlencoded")) {
            given().contentType(type).body("rule=cross-site-rule").post("/api/runs/discard?rule=cross-site-rule")
                    .then().statusCode(415).contentType("application/problem+json")
                    .body("type", equalTo("urn:switchboard:problem:json-required"))
                    .body("detail", containsString(type));
            given().contentType(type).body("x").post("/api/runs/" + run + "/discard").then().statusCode(415);
            given().contentType(type).body("x").post("/api/rules/reload").then().statusCode(415);
        }
        // Without a content type, as a script's bodyless POST goes: refused too.
        given().post("/api/runs/" + run + "/discard").then().statusCode(415);
        assertEquals("DEAD", stateOf(run));

        // JSON from a page of another site: only a script can send it, and a browser sends it only
        // after a CORS preflight that the hub does not answer; said to come from elsewhere, refused.
        given().contentType("application/json").header("Origin", "http://evil.example")
                .post("/api/runs/" + run + "/discard").then().statusCode(403);
        assertEquals("DEAD", stateOf(run));

        given().contentType("application/json").post("/api/runs/" + run + "/discard").then().statusCode(200)
                .body("state", equalTo("DISCARDED"));
        given().contentType("application/json; charset=utf-8").post("/api/rules/reload").then().statusCode(200);
    }
}
