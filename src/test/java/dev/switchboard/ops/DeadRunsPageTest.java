package dev.switchboard.ops;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.switchboard.rules.RulesInForce;
import dev.switchboard.runs.RunState;
import dev.switchboard.support.Events;
import dev.switchboard.support.HubState;
import dev.switchboard.support.HubTestProfile;
import dev.switchboard.support.Workspace;

/**
 * The dashboard's dead runs say whose they are (the event's source, delivery id and the start of
 * its data), so that two runs of the same rule can be told apart, and are searched by those.
 */
@QuarkusTest
@TestProfile(HubTestProfile.class)
class DeadRunsPageTest {

    @Inject
    DataSource dataSource;

    @Inject
    RulesInForce repository;

    @Test
    void deadRunsShowTheirEventsOriginAreFoundByWordsOfItsPayloadAndTheirIncidentsLinkToThem() {
        Workspace.bindPort("dead-page-log", Map.of("connector", "log"));
        Workspace.writeRule("dead-runs-page.yaml", """
                rules:
                  - id: dead-page-unrenderable
                    on: dead-page.order
                    actions: [{id: call, port: dead-page-log, body: '{{data.absent}}'}]
                """);
        assertEquals(List.of(), repository.reload());
        String first = "inv-" + UUID.randomUUID();
        String second = "inv-" + UUID.randomUUID();
        UUID firstEvent = Events.post("dead-page.order", "\"invoice\":\"" + first + "\"");
        UUID secondEvent = Events.post("dead-page.order", "\"invoice\":\"" + second + "\"");
        Events.awaitRuns(dataSource, firstEvent, Duration.ofSeconds(20), RunState.DEAD);
        Events.awaitRuns(dataSource, secondEvent, Duration.ofSeconds(20), RunState.DEAD);
        UUID firstRun = Events.runOf(dataSource, firstEvent);
        UUID secondRun = Events.runOf(dataSource, secondEvent);

        String viewer = DashboardRolesTest.signIn(HubTestProfile.VIEWER);
        given().auth().none().cookie("quarkus-credential", viewer).queryParam("q", first).get("/ui/dead").then()
                .statusCode(200)
                .body(containsString("id=\"dead-" + firstRun + "\""))
                .body(not(containsString("id=\"dead-" + secondRun + "\"")))
                .body(containsString("events · <code>"))
                .body(containsString(first));
        // Bulk actions act on every dead run, not the ones found: not offered beside a search.
        String operator = DashboardRolesTest.signIn(HubTestProfile.OPERATOR);
        given().auth().none().cookie("quarkus-credential", operator).queryParam("q", first).get("/ui/dead").then()
                .statusCode(200)
                .body(containsString("/ui/runs/" + firstRun + "/replay"))
                .body(not(containsString("id=\"replay-all\"")));
        given().auth().none().cookie("quarkus-credential", operator).get("/ui/dead").then()
                .statusCode(200).body(containsString("id=\"replay-all\""));
        given().auth().none().cookie("quarkus-credential", viewer).queryParam("q", "dead-page-unrenderable").get("/ui/dead")
                .then().statusCode(200)
                .body(containsString("id=\"dead-" + firstRun + "\""))
                .body(containsString("id=\"dead-" + secondRun + "\""));
        // Its incident on the overview links to the run, shown on its event's page.
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> given().auth().none()
                .cookie("quarkus-credential", viewer).get("/ui").then().extract().asString()
                .contains("href=\"/ui/runs/" + firstRun + "\""));
        given().auth().none().cookie("quarkus-credential", viewer).redirects().follow(false).get("/ui/runs/" + firstRun)
                .then().statusCode(303).header("Location", org.hamcrest.Matchers.endsWith(
                        "/ui/events/" + firstEvent + "#run-" + firstRun));
        given().auth().none().cookie("quarkus-credential", viewer).queryParam("q", "no-such-" + UUID.randomUUID())
                .get("/ui/dead").then().statusCode(200)
                .body(containsString("id=\"no-match\""))
                .body(not(containsString("id=\"dead-" + firstRun + "\"")));
        // "_" and "%" in the words mean themselves: "dead_page" does not find "dead-page".
        for (String words : List.of("dead_page-unrenderable", "dead%unrenderable")) {
            given().auth().none().cookie("quarkus-credential", viewer).queryParam("q", words).get("/ui/dead").then()
                    .statusCode(200).body(not(containsString("id=\"dead-" + firstRun + "\"")));
        }
    }

    @Test
    void aDeadRunIsFoundByAWordThatMoreThanAThousandNewerHealthyEventsAlsoHave() {
        Workspace.bindPort("dead-page-log", Map.of("connector", "log"));
        Workspace.writeRule("dead-runs-page-common.yaml", """
                rules:
                  - id: dead-page-common-unrenderable
                    on: dead-page.common-order
                    actions: [{id: call, port: dead-page-log, body: '{{data.absent}}'}]
                """);
        assertEquals(List.of(), repository.reload());
        String customer = "cust-" + UUID.randomUUID();
        UUID deadEvent = Events.post("dead-page.common-order", "\"customer\":\"" + customer + "\"");
        Events.awaitRuns(dataSource, deadEvent, Duration.ofSeconds(20), RunState.DEAD);
        UUID deadRun = Events.runOf(dataSource, deadEvent);
        // The same customer's later events match no rule: newer than the dead one, and all with its word.
        IntStream.range(0, 1_050).parallel()
                .forEach(i -> Events.post("dead-page.later-order", "\"customer\":\"" + customer + "\""));

        String viewer = DashboardRolesTest.signIn(HubTestProfile.VIEWER);
        given().auth().none().cookie("quarkus-credential", viewer).queryParam("q", customer).get("/ui/dead").then()
                .statusCode(200)
                .body(containsString("id=\"dead-" + deadRun + "\""));
    }

    @Test
    void aSearchCountsEveryDeadRunWhoseEventHasTheWordsNotTheFirstThousand() {
        // 1,100 events of one customer, each with a run that died: written as the stream and the
        // run workers would leave them, since only the search is under test here.
        String customer = "cust-" + UUID.randomUUID();
        assertEquals(1_100, HubState.count(dataSource, """
                with events as (
                  insert into event (id, source, delivery_id, type, received_at, state, envelope)
                  select gen_random_uuid(), 'events', ? || '-' || n, 'dead-page.seeded', now(), 'PROCESSED',
                      jsonb_build_object('specversion', '1.0', 'id', gen_random_uuid()::text, 'source', 'events',
                          'type', 'dead-page.seeded', 'data', jsonb_build_object('customer', ?))
                  from generate_series(1, 1100) n
                  returning id),
                runs as (
                  insert into action_run (id, event_id, rule_id, action_id, port, body, state, max_attempts,
                      initial_delay_ms, max_delay_ms, next_attempt_at, last_error)
                  select gen_random_uuid(), id, 'dead-page-seeded', 'call', 'dead-page-log', '{}', 'DEAD', 1, 100, 1000,
                      now(), 'HTTP 500'
                  from events
                  returning 1)
                select count(*) from runs
                """, customer, customer));

        try {
            String viewer = DashboardRolesTest.signIn(HubTestProfile.VIEWER);
            given().auth().none().cookie("quarkus-credential", viewer).queryParam("q", customer).get("/ui/dead").then()
                    .statusCode(200)
                    .body(containsString("Showing the 200 most recent of 1100 dead runs."));
        } finally {
            // The other tests on this database (the dashboard's pages, bulk replay) never see them.
            HubState.execute(dataSource, "delete from action_run where rule_id = 'dead-page-seeded'");
            HubState.execute(dataSource, "delete from event where type = 'dead-page.seeded'");
        }
    }
}
