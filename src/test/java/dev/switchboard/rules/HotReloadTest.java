package dev.switchboard.rules;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
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
}
