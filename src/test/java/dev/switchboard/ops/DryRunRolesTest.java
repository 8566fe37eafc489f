package dev.switchboard.ops;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.empty;
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
 * an operator may ask for one. The model here matches only when a row with the event's marker
 * exists, so a match shows it ran with the caller's value (models only read: ModelsOnlyReadTest).
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
                -- true when a trace with the event's marker is recorded
                select exists (select 1 from dry_run_traces where marker = :data.marker)
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

    String traced() {
        String marker = UUID.randomUUID().toString();
        HubState.execute(dataSource, "insert into dry_run_traces (marker) values ('" + marker + "')");
        return marker;
    }

    @Test
    void aViewersDryRunIsRefused() {
        given().auth().preemptive().basic(HubTestProfile.VIEWER, HubTestProfile.PASSWORD)
                .contentType("application/json").body(event(traced()))
                .post("/api/events/dry-run").then().statusCode(403)
                .contentType("application/problem+json");
    }

    @Test
    void anOperatorsDryRunRunsTheModelsWithTheCallersValues() {
        String marker = traced();
        given().contentType("application/json").body(event(marker))
                .post("/api/events/dry-run").then().statusCode(200)
                .body("matches[0].rule", equalTo("dry-run-traced"))
                .body("matches[0].actions[0].body", equalTo("{\"marker\": \"" + marker + "\"}"));
        given().contentType("application/json").body(event("never-traced"))
                .post("/api/events/dry-run").then().statusCode(200)
                .body("matches", empty());
    }
}
