package dev.switchboard.ops;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.switchboard.boot.OperatorConfigSourceProvider;
import dev.switchboard.rules.RulesInForce;
import dev.switchboard.support.Events;
import dev.switchboard.support.HubState;
import dev.switchboard.support.HubTestProfile;
import dev.switchboard.support.Workspace;

/**
 * A rule that loads but can never match is pointed out at reload, with the closest name that
 * exists: a condition reading a field none of the recent events of its type had, a source that is
 * neither configured nor a route nor the sender of any event. The rule stays in force: a warning.
 */
@QuarkusTest
@TestProfile(HubTestProfile.class)
class RuleWarningsTest {

    @Inject
    DataSource dataSource;

    @Inject
    RulesInForce rules;

    @Test
    void aMisspeltFieldAndAnUnknownSourceAreWarningsWithTheClosestNameAndTheRulesStayInForce() {
        String type = "warn.order." + UUID.randomUUID().toString().substring(0, 8);
        Events.awaitOutcome(dataSource, Events.post(type, "\"total\": 12, \"customer\": {\"email\": \"a@example.com\"}"));
        Workspace.bindPort("warn-log", Map.of("connector", "log"));
        Workspace.writeRule("warnings.yaml", """
                rules:
                  - id: warn-misspelt
                    on: %1$s
                    when: "jsonpath:$.data[?(@.totl > 1)]"
                    actions: [{id: log, port: warn-log}]
                  - id: warn-nested
                    on: %1$s
                    when: "jq:.data.customer.emial != null"
                    actions: [{id: log, port: warn-log}]
                  - id: warn-right
                    on: %1$s
                    when: "jsonpath:$.data[?(@.total > 1)]"
                    actions: [{id: log, port: warn-log}]
                  - id: warn-source
                    on: %1$s
                    source: evnts
                    actions: [{id: log, port: warn-log}]
                """.formatted(type));
        try {
            assertEquals(List.of(), rules.reload());
            assertTrue(rules.current().rules().stream().anyMatch(rule -> rule.id().equals("warn-misspelt")),
                    "a warning does not keep the rule out");
            given().get("/api/rules").then()
                    .body("warnings.reason", hasItem("rule 'warn-misspelt' reads data.totl, which none of the last 1 '"
                            + type + "' events had (did you mean 'data.total'?)"))
                    .body("warnings.reason", hasItem("rule 'warn-nested' reads data.customer.emial, which none of the"
                            + " last 1 '" + type + "' events had (did you mean 'data.customer.email'?)"))
                    .body("warnings.reason", hasItem("rule 'warn-source' takes events from source 'evnts', which is no"
                            + " configured source or route and has sent no event (did you mean 'events'?)"))
                    .body("warnings.reason", everyItem(not(containsString("'warn-right'"))))
                    .body("warnings.file", hasItem(containsString("warnings.yaml")));
            String overview = given().auth().none()
                    .cookie("quarkus-credential", DashboardRolesTest.signIn(HubTestProfile.VIEWER)).get("/ui").asString();
            assertTrue(overview.contains("id=\"rule-warnings\"") && overview.contains("data.totl"), overview);
        } finally {
            Workspace.deleteRule("warnings.yaml");
            Workspace.unbindPort("warn-log");
            rules.reload();
        }
        given().get("/api/rules").then().body("warnings.reason", everyItem(not(containsString("warn-"))));
    }

    @Test
    void aRuleSendingToTheQueueItsOwnSourceReadsIsWarnedOfTheLoop() {
        Workspace.bindPort("warn-back", Map.of("connector", "jms", "address", "test.queue.json"));
        Workspace.writeRule("loops.yaml", """
                rules:
                  - id: warn-loop
                    on: order.placed
                    source: queue-json
                    actions: [{id: back, port: warn-back}]
                  - id: warn-loop-any-source
                    on: order.placed
                    actions:
                      - {id: back, port: warn-back}
                  - id: warn-forward
                    on: order.placed
                    source: events
                    actions: [{id: forward, port: warn-back}]
                """);
        try {
            assertEquals(List.of(), rules.reload());
            given().get("/api/rules").then()
                    .body("warnings.reason", hasItem("rule 'warn-loop' sends through port 'warn-back' to queue"
                            + " 'test.queue.json', which source 'queue-json' reads: every message it sends comes back as"
                            + " an event this rule takes, without end unless its condition stops it"))
                    .body("warnings.find { it.reason.startsWith(\"rule 'warn-loop-any-source'\") }.line", equalTo(9))
                    .body("warnings.reason", everyItem(not(containsString("'warn-forward'"))));
        } finally {
            Workspace.deleteRule("loops.yaml");
            Workspace.unbindPort("warn-back");
            rules.reload();
        }
    }

    @Test
    void aModelTheDatabaseCannotRunIsWarnedOfAtItsLineAndOneThatDependsOnTheEventIsNot() {
        HubState.execute(dataSource, "create table if not exists model_warn_orders (total numeric)");
        Workspace.writeModel("warn_column", """
                -- is this order above the others?
                select exists (
                    select 1 from model_warn_orders where totl > (:data.total)::numeric)
                """);
        Workspace.writeModel("warn_table", "\n\nselect true from model_warn_ordrs");
        Workspace.writeModel("warn_typed_by_event", "select :data.flag is not null");
        try {
            assertEquals(List.of(), rules.reload());
            given().get("/api/rules").then()
                    .body("warnings.find { it.reason.startsWith(\"model 'warn_column'\") }.reason",
                            startsWith("model 'warn_column' cannot run: column \"totl\" does not exist"))
                    .body("warnings.find { it.reason.startsWith(\"model 'warn_column'\") }.line", equalTo(3))
                    .body("warnings.find { it.reason.startsWith(\"model 'warn_column'\") }.file",
                            endsWith("warn_column.sql"))
                    .body("warnings.find { it.reason.startsWith(\"model 'warn_table'\") }.reason", equalTo(
                            "model 'warn_table' cannot run: relation \"model_warn_ordrs\" does not exist"))
                    .body("warnings.find { it.reason.startsWith(\"model 'warn_table'\") }.line", equalTo(3))
                    .body("warnings.reason", everyItem(not(containsString("warn_typed_by_event"))));
        } finally {
            Workspace.deleteModel("warn_column");
            Workspace.deleteModel("warn_table");
            Workspace.deleteModel("warn_typed_by_event");
            rules.reload();
        }
        given().get("/api/rules").then().body("warnings.reason", everyItem(not(containsString("model 'warn_"))));
    }

    @Test
    void anExpectationOnAMisspeltSourceIsAWarningWithItsLineAndTheClosestName() throws Exception {
        // Taken in silence, it would only have shown as a false "expected every 1h" incident later.
        Workspace.setAll("switchboard.expectations.warn-payroll.", Map.of("type", "payroll.run.finished",
                "source", "evnts", "every", "1h"));
        try {
            assertEquals(List.of(), rules.reload());
            given().get("/api/rules").then()
                    .body("warnings.reason", hasItem("expectation 'warn-payroll' counts events from source 'evnts',"
                            + " which is no configured source or route and has sent no event (did you mean 'events'?)"));
            int line = given().get("/api/rules").jsonPath().getInt(
                    "warnings.find { it.reason.startsWith('expectation') }.line");
            assertTrue(java.nio.file.Files.readAllLines(OperatorConfigSourceProvider.file()).get(line - 1)
                    .startsWith("switchboard.expectations.warn-payroll.source"));
        } finally {
            Workspace.setAll("switchboard.expectations.warn-payroll.", Map.of());
            rules.reload();
        }
    }
}
