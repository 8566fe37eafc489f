package dev.switchboard.rules;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.switchboard.support.Events;
import dev.switchboard.support.HubState;
import dev.switchboard.support.HubTestProfile;
import dev.switchboard.support.Workspace;

/**
 * A model reads: written as a statement that changes data, it is refused where it is written, and
 * one that changes data all the same (a data-modifying CTE) fails in its read-only transaction,
 * from a live event and from a dry run, which a user probe saw delete a table's rows.
 */
@QuarkusTest
@TestProfile(HubTestProfile.class)
class ModelsOnlyReadTest {

    @Inject
    DataSource dataSource;

    @Inject
    RulesInForce repository;

    @BeforeEach
    void stock() {
        HubState.execute(dataSource, "create table if not exists model_stock (sku text primary key)");
        HubState.execute(dataSource, "delete from model_stock");
        HubState.execute(dataSource, "insert into model_stock values ('A-1'), ('B-1'), ('C-1')");
        Workspace.bindPort("model-audit", Map.of("connector", "log"));
    }

    @AfterEach
    void cleanUp() {
        Workspace.deleteRule("models-read.yaml");
        Workspace.deleteModel("restock_writes");
        Workspace.deleteModel("restock_sneaks");
        Workspace.unbindPort("model-audit");
        repository.reload();
    }

    @Test
    void aModelWrittenAsAChangeIsRefusedWithItsFile() {
        Workspace.writeModel("restock_writes", """
                -- a comment first, as authors write them
                /* and another */
                delete from model_stock returning true
                """);
        List<RuleLoadError> problems = repository.reload();
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).file().endsWith("restock_writes.sql"), problems.toString());
        assertTrue(problems.get(0).reason().startsWith("a model is a query that reads (select, with, values or table),"
                + " not 'delete'"), problems.toString());
        assertEquals(3, HubState.count(dataSource, "select count(*) from model_stock"));
    }

    @Test
    void aModelThatChangesDataAllTheSameFailsAndChangesNothingLiveOrInADryRun() {
        Workspace.writeModel("restock_sneaks", "with gone as (delete from model_stock returning 1) select true");
        Workspace.writeRule("models-read.yaml", """
                rules:
                  - id: restock-sneaks
                    on: models.restock
                    require: [restock_sneaks]
                    actions: [{id: record, port: model-audit}]
                """);
        assertEquals(List.of(), repository.reload());

        given().contentType("application/json")
                .body("{\"source\": \"events\", \"type\": \"models.restock\", \"data\": {}}")
                .post("/api/events/dry-run").then().statusCode(200)
                .body("rules.find { it.rule == 'restock-sneaks' }.outcome", equalTo("MODEL_FAILED"))
                .body("rules.find { it.rule == 'restock-sneaks' }.reason", containsString("read-only transaction"));
        assertEquals(3, HubState.count(dataSource, "select count(*) from model_stock"), "after the dry run");

        UUID event = Events.post("models.restock", "");
        assertEquals("FAILED", Events.awaitOutcome(dataSource, event));
        String error = HubState.text(dataSource, "select error from event where id = ?", event);
        assertTrue(error.contains("model restock_sneaks failed") && error.contains("read-only transaction"), error);
        assertEquals(3, HubState.count(dataSource, "select count(*) from model_stock"), "after a live event");
    }
}
