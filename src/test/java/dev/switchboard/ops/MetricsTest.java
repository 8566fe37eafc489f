package dev.switchboard.ops;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;

import dev.switchboard.rules.RulesInForce;
import dev.switchboard.runs.RunState;
import dev.switchboard.support.Events;
import dev.switchboard.support.HubState;
import dev.switchboard.support.HubTestProfile;
import dev.switchboard.support.Workspace;

/** Runs, events, latencies, dead letters and rejected reloads show in /q/metrics. */
@QuarkusTest
@TestProfile(HubTestProfile.class)
class MetricsTest {

    @Inject
    DataSource dataSource;

    @Inject
    RulesInForce repository;

    @Test
    void runsEventsLatencyDeadLettersAndReloadErrors() {
        Workspace.bindPort("metered", Map.of("connector", "log"));
        Workspace.writeRule("metrics.yaml", """
                rules:
                  - id: metered-rule
                    on: metrics.ok
                    actions: [{id: a, port: metered}]
                  - id: metered-broken
                    on: metrics.broken
                    actions: [{id: a, port: metered, body: '{"x": "{{data.missing}}"}'}]
                """);
        assertEquals(List.of(), repository.reload());
        String succeeded = "switchboard_runs_total{connector=\"log\",outcome=\"succeeded\",port=\"metered\",rule=\"metered-rule\"}";
        String dead = "switchboard_runs_total{connector=\"none\",outcome=\"dead\",port=\"metered\",rule=\"metered-broken\"}";
        double succeededBefore = HubState.metric(succeeded);
        double deadBefore = HubState.metric(dead);
        double errorsBefore = HubState.metric("switchboard_rules_reload_errors_total");
        String processed = "switchboard_events_total{outcome=\"processed\",source=\"events\"}";
        double processedBefore = HubState.metric(processed);

        Events.awaitRuns(dataSource, Events.post("metrics.ok", ""), Duration.ofSeconds(20), RunState.SUCCEEDED);
        Events.awaitRuns(dataSource, Events.post("metrics.broken", ""), Duration.ofSeconds(20), RunState.DEAD);
        Workspace.writeRule("metrics-broken.yaml", "rules: [ {id: x");
        repository.reload();
        Workspace.deleteRule("metrics-broken.yaml");
        repository.reload();

        // Counted after the commits that the waits above saw: a moment later, in the worker's thread.
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertEquals(succeededBefore + 1,
                HubState.metric(succeeded)));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertEquals(processedBefore + 2,
                HubState.metric(processed)));
        assertEquals(deadBefore + 1, HubState.metric(dead));
        assertEquals(errorsBefore + 1, HubState.metric("switchboard_rules_reload_errors_total"));
        assertTrue(HubState.metric("switchboard_dead_letters") >= 1);
        await().atMost(Duration.ofSeconds(5)).until(() -> RestAssured.get("/q/metrics").asString()
                .contains("switchboard_run_attempt_seconds_bucket{connector=\"log\""));
        String metrics = RestAssured.get("/q/metrics").asString();
        assertTrue(metrics.contains("switchboard_ingest_seconds_bucket{source=\"events\""), "ingest latency histogram");
        assertTrue(metrics.contains("switchboard_run_attempt_seconds_bucket{connector=\"log\""), "attempt latency histogram");
        assertTrue(metrics.contains("switchboard_end_to_end_seconds_bucket{port=\"metered\",rule=\"metered-rule\""),
                "end-to-end latency histogram");
        // Every stage of the pipeline reports how many items each of its transactions carried.
        // (The stream's is recorded after its broker commit, a moment after the event's state.)
        for (String stage : List.of("accept", "relay", "stream", "outcomes")) {
            await().atMost(Duration.ofSeconds(5)).until(() -> HubState.metric("switchboard_batch_size_count{stage=\""
                    + stage + "\"}") >= 1);
        }
        assertTrue(metrics.contains("switchboard_batch_linger_seconds_bucket{stage=\"accept\""), "acceptance linger");
        assertTrue(metrics.contains("switchboard_batch_size_bucket{stage=\"accept\""), "acceptance batch sizes");
    }
}
