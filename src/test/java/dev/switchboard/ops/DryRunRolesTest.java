package dev.switchboard.ops;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.switchboard.rules.RulesInForce;
import dev.switchboard.support.HubState;
import dev.switchboard.support.HubTestProfile;
import dev.switchboard.support.Workspace;

/**
 * A dry run runs the SQL models with values the caller chooses, on business databases too: only
 * an operator may ask for one. Proved with a model that leaves a row behind each time it runs.
 */
@QuarkusTest
@TestProfile(HubTestProfile.class)
class DryRunRolesTest {

    @Inject
    DataSource dataSource;

    @Inject
    RulesInForce repository;

    @BeforeEach
    void rules() {
        HubState.execute(dataSource, "create table if not exists dry_run_traces (marker text not null)");
        Workspace.bindPort("dry-run-log", Map.of("connector", "log"));
        Workspace.writeModel("dry_run_trace", """
                -- leaves a row with the event's marker each time it runs
                with traced as (insert into dry_run_traces (marker) values (:data.marker) returning true as ran)
                select ran from traced
                """);
        Workspace.writeRule("dry-run-roles.yaml", """
                rules:
                  - id: dry-run-traced
                    on: dryrun.traced
                    require: [dry_run_trace]
                    actions: [{id: log, port: dry-run-log, body: '{"marker": "{{data.marker}}"}'}]
                """);
        assertEquals(List.of(), repository.reload());
    }

    static String event(String marker) {
        return "{\"source\": \"events\", \"type\": \"dryrun.traced\", \"data\": {\"marker\": \"" + marker + "\"}}";
    }

    long traces(String marker) {
        return HubState.count(dataSource, "select count(*) from dry_run_traces where marker = ?", marker);
    }

    @Test
    void aViewersDryRunIsRefusedAndRunsNoModel() {
        String marker = UUID.randomUUID().toString();
        given().auth().preemptive().basic(HubTestProfile.VIEWER, HubTestProfile.PASSWORD)
                .contentType("application/json").body(event(marker))
                .post("/api/events/dry-run").then().statusCode(403);
        assertEquals(0, traces(marker), "the model did not run");
    }

    @Test
    void anOperatorsDryRunRunsTheModels() {
        String marker = UUID.randomUUID().toString();
        given().contentType("application/json").body(event(marker))
                .post("/api/events/dry-run").then().statusCode(200)
                .body("matches[0].rule", equalTo("dry-run-traced"))
                .body("matches[0].actions[0].body", equalTo("{\"marker\": \"" + marker + "\"}"));
        assertEquals(1, traces(marker), "the model ran once");
    }
}
