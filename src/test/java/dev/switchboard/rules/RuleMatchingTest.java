package dev.switchboard.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.switchboard.runs.RunState;
import dev.switchboard.support.Events;
import dev.switchboard.support.HubState;
import dev.switchboard.support.HubTestProfile;
import dev.switchboard.support.Workspace;

/** Which rules fire for an event, and what their actions' bodies become, over the real path. */
@QuarkusTest
@TestProfile(HubTestProfile.class)
class RuleMatchingTest {

    @Inject
    DataSource dataSource;

    @Inject
    RulesInForce repository;

    static final String ACTION = "\n    actions: [{id: record, port: audit}]\n";

    @BeforeEach
    void rules() {
        Workspace.bindPort("audit", Map.of("connector", "log"));
        Workspace.writeModel("big_spender", """
                -- big spenders spend over 100
                select (:data.total)::numeric > 100 as big, 'tier-' || (:data.total)::text as label
                """);
        Workspace.writeModel("warehouse_vip", """
                -- datasource: warehouse
                select :data.email in (select email from warehouse_vips) as vip
                """);
        Workspace.writeRule("matching.yaml", "rules:\n"
                + "  - id: by-type\n    on: match.exact" + ACTION
                + "  - id: by-list\n    on: [match.list.a, match.list.b]" + ACTION
                + "  - id: by-glob\n    on: match.glob.*" + ACTION
                + "  - id: by-source\n    on: match.source\n    source: events" + ACTION
                + "  - id: by-other-source\n    on: match.source\n    source: shop" + ACTION
                + "  - id: by-simple\n    on: match.condition\n    when: \"simple:${body[data][total]} > 100\"" + ACTION
                + "  - id: by-jsonpath\n    on: match.condition\n    when: \"jsonpath:$.data[?(@.total > 100)]\"" + ACTION
                + "  - id: by-jq\n    on: match.condition\n    when: \"jq:.data.total > 100\"" + ACTION
                + "  - id: by-endless-recursion\n    on: match.recursion\n    when: \"jq:def f: f; f\"" + ACTION
                + "  - id: beside-the-recursion\n    on: match.recursion" + ACTION
                + "  - id: by-business-model\n    on: match.warehouse\n    require: [warehouse_vip]" + ACTION
                + "  - id: by-model\n    on: match.model\n    require: [big_spender]\n"
                + "    actions:\n      - id: greet\n        port: audit\n"
                + "        body: '{\"who\": \"{{data.who}}\", \"tier\": \"{{models.big_spender.label}}\", \"event\": \"{{type}}\"}'\n");
        assertEquals(java.util.List.of(), repository.reload());
    }

    String matched(UUID event) {
        Events.awaitOutcome(dataSource, event);
        return HubState.text(dataSource, "select array_to_string(matched_rules, ',') from event where id = ?", event);
    }

    @Test
    void aConditionThatRecursesWithoutEndFailsItsRuleAndTheOthersStillJudge() {
        UUID event = Events.post("match.recursion", "");
        assertEquals("FAILED", Events.awaitOutcome(dataSource, event));
        assertEquals("rule by-endless-recursion: condition failed: it recursed too deep",
                HubState.text(dataSource, "select error from event where id = ?", event));
        // The stream goes on: the next event is judged as usual.
        assertEquals("by-type", matched(Events.post("match.exact", "")));
    }

    @Test
    void byExactType() {
        assertEquals("by-type", matched(Events.post("match.exact", "")));
        assertEquals("IGNORED", Events.awaitOutcome(dataSource, Events.post("match.exactly", "")));
    }

    @Test
    void byListOfTypes() {
        assertEquals("by-list", matched(Events.post("match.list.b", "")));
    }

    @Test
    void byGlob() {
        assertEquals("by-glob", matched(Events.post("match.glob.created", "")));
        assertEquals("", matched(Events.post("match.globe", "")));
    }

    @Test
    void bySource() {
        assertEquals("by-source", matched(Events.post("match.source", "")));
    }

    @Test
    void byConditionInEachLanguage() {
        assertEquals("by-simple,by-jsonpath,by-jq", matched(Events.post("match.condition", "\"total\": 150")));
        assertEquals("IGNORED", Events.awaitOutcome(dataSource, Events.post("match.condition", "\"total\": 50")));
    }

    @Test
    void bySqlModelWithItsColumnsInTheTemplate() {
        UUID big = Events.post("match.model", "\"total\": 150, \"who\": \"Ada \\\"the\\\" Countess\"");
        assertEquals(1, Events.awaitRuns(dataSource, big, Duration.ofSeconds(10), RunState.SUCCEEDED));
        assertEquals("{\"who\": \"Ada \\\"the\\\" Countess\", \"tier\": \"tier-150\", \"event\": \"match.model\"}",
                HubState.text(dataSource, "select body from action_run where event_id = ?", big));
        assertEquals("IGNORED", Events.awaitOutcome(dataSource, Events.post("match.model", "\"total\": 50")));
    }

    @Test
    void bySqlModelOnABusinessDatabase() throws Exception {
        try (var connection = dataSource.getConnection()) {
            connection.createStatement().execute("create table if not exists warehouse_vips (email text primary key)");
            connection.createStatement().execute(
                    "insert into warehouse_vips values ('vip@example.com') on conflict do nothing");
        }
        assertEquals("by-business-model", matched(Events.post("match.warehouse", "\"email\": \"vip@example.com\"")));
        assertEquals("IGNORED", Events.awaitOutcome(dataSource,
                Events.post("match.warehouse", "\"email\": \"nobody@example.com\"")));
    }

    @Test
    void aMissingTemplatePathMakesTheRunDeadNotEmpty() {
        UUID event = Events.post("match.model", "\"total\": 150");
        Events.awaitRuns(dataSource, event, Duration.ofSeconds(10), RunState.DEAD);
        String error = HubState.text(dataSource, "select last_error from action_run where event_id = ?", event);
        assertTrue(error.contains("'data.who' is absent"), error);
    }
}
