package dev.switchboard.rules;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.switchboard.runs.RunState;
import dev.switchboard.support.Events;
import dev.switchboard.support.HubState;
import dev.switchboard.support.HubTestProfile;
import dev.switchboard.support.Workspace;

/** A rule file changed on disk takes effect by itself, with no restart and no reload call. */
@QuarkusTest
@TestProfile(HubTestProfile.class)
class HotReloadTest {

    @Inject
    DataSource dataSource;

    @Inject
    RulesInForce repository;

    static String rule(String version) {
        return "rules:\n  - id: hot\n    on: reload.test\n    actions:\n"
                + "      - {id: record, port: audit, body: '{\"version\": \"" + version + "\"}'}\n";
    }

    String bodyOfTheNextEvent() {
        UUID event = Events.post("reload.test", "");
        Events.awaitRuns(dataSource, event, Duration.ofSeconds(10), RunState.SUCCEEDED);
        return HubState.text(dataSource, "select body from action_run where event_id = ?", event);
    }

    void awaitRuleBody(String version) {
        await().atMost(Duration.ofSeconds(10)).until(() -> repository.current().rules().stream()
                .anyMatch(rule -> rule.id().equals("hot")
                        && rule.actions().get(0).body().text().contains(version)));
    }

    @Test
    void aChangedRuleFileIsFollowedByTheNextEvent() throws Exception {
        Workspace.bindPort("audit", Map.of("connector", "log"));
        Workspace.writeRule("hot.yaml", rule("one"));
        awaitRuleBody("one");
        assertEquals("{\"version\": \"one\"}", bodyOfTheNextEvent());

        Workspace.writeRule("hot.yaml", rule("two"));
        awaitRuleBody("two");
        assertEquals("{\"version\": \"two\"}", bodyOfTheNextEvent());
    }

    @Test
    void aRulesFolderThatVanishesKeepsTheRulesInForceInsteadOfIgnoringEveryEvent() throws Exception {
        Workspace.bindPort("audit", Map.of("connector", "log"));
        Workspace.writeRule("hot.yaml", rule("kept"));
        assertEquals(List.of(), repository.reload());
        // A deploy that swaps folders, or a volume not mounted yet.
        Path away = Workspace.RULES.resolveSibling("test-rules.away");
        Files.move(Workspace.RULES, away);
        try {
            List<RuleLoadError> problems = repository.reload();
            assertEquals(1, problems.size(), problems.toString());
            assertTrue(problems.get(0).reason().startsWith("the rules folder is gone"), problems.toString());
            assertEquals("{\"version\": \"kept\"}", bodyOfTheNextEvent(), "the rule still runs");
        } finally {
            Files.move(away, Workspace.RULES);
        }
        assertEquals(List.of(), repository.reload());
    }
}
