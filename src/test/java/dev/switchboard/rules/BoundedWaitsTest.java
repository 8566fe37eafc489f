package dev.switchboard.rules;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.switchboard.support.CapturedLog;
import dev.switchboard.support.Events;
import dev.switchboard.support.FreezableProxy;
import dev.switchboard.support.HubState;
import dev.switchboard.support.HubTestProfile;
import dev.switchboard.support.Workspace;

/**
 * Nothing waits without a bound: a model slower than its database's statement timeout fails its
 * own event (FAILED, with the reason) while the events behind it go on; a business database that
 * stops answering mid-query lets go of the stream's consumer soon after the statement timeout; and
 * a port without time for a call does not load.
 */
@QuarkusTest
@TestProfile(HubTestProfile.class)
class BoundedWaitsTest {

    @Inject
    DataSource dataSource;

    @Inject
    RulesInForce repository;

    @AfterEach
    void cleanUp() {
        Workspace.deleteRule("bounded.yaml");
        Workspace.deleteModel("slow_warehouse");
        Workspace.unbindPort("too-patient");
        Workspace.unbindPort("too-hasty");
        repository.reload();
    }

    @Test
    void aModelSlowerThanItsStatementTimeoutFailsItsEventAndTheNextEventsGoOn() {
        ruleWithModel("bounded.slow", "slow_warehouse", """
                -- datasource: warehouse
                select pg_sleep(30) is not null as slow
                """);

        long started = System.nanoTime();
        UUID slow = Events.post("bounded.slow", "");
        UUID behind = Events.post("bounded.other", "");
        assertEquals("FAILED", Events.awaitOutcome(dataSource, slow));
        assertEquals("IGNORED", Events.awaitOutcome(dataSource, behind));
        assertTrue(System.nanoTime() - started < 20_000_000_000L, "well before the model's 30 s");
        String error = HubState.text(dataSource, "select error from event where id = ?", slow);
        assertTrue(error.contains("model slow_warehouse took longer than its statement timeout (2s)"), error);
    }

    @Test
    void aBusinessDatabaseThatStopsAnsweringMidQueryReleasesItsConsumerSoonAfterTheStatementTimeout()
            throws Exception {
        URI hub = URI.create(ConfigProvider.getConfig().getValue("quarkus.datasource.jdbc.url", String.class)
                .substring("jdbc:".length()));
        try (FreezableProxy database = FreezableProxy.to(hub.getHost(), hub.getPort())) {
            ruleWithModel("bounded.frozen", "frozen_warehouse", """
                    -- datasource: frozen
                    select true as answered
                    """);
            // Connected and answering: the pool holds a connection through the proxy.
            assertEquals("PROCESSED", Events.awaitOutcome(dataSource, Events.post("bounded.frozen", "")));

            database.freeze();
            try (CapturedLog log = CapturedLog.open()) {
                long frozenAt = System.nanoTime();
                UUID event = Events.post("bounded.frozen", "");
                // Its query's answer never comes, nor does the cancel's: only a socket timeout ends the read.
                await().atMost(Duration.ofSeconds(30)).until(() -> log.lines().stream()
                        .anyMatch(line -> line.message().contains("model frozen_warehouse failed")));
                Duration released = Duration.ofNanos(System.nanoTime() - frozenAt);
                // The statement timeout (2 s) and the margin the read and the cancel get (5 s): 7 s
                // measured; 12 s with the driver's own cancel timeout (10 s), for ever without either.
                assertTrue(released.toSeconds() < 11, "within the statement timeout and its margin: " + released);
                assertEquals("RECEIVED", HubState.eventState(dataSource, event), "tried again later, not failed");
            }
        } finally {
            Workspace.deleteModel("frozen_warehouse");
        }
    }

    /** One rule for events of {@code type} that requires the model {@code model} and records them on a log port. */
    private void ruleWithModel(String type, String model, String sql) {
        Workspace.bindPort("audit", Map.of("connector", "log"));
        Workspace.writeModel(model, sql);
        Workspace.writeRule("bounded.yaml", """
                rules:
                  - id: needs-%s
                    on: %s
                    require: [%s]
                    actions: [{id: record, port: audit}]
                """.formatted(model, type, model));
        assertEquals(List.of(), repository.reload());
    }

    @Test
    void aPortWithoutTimeForACallDoesNotLoad() {
        // Loaded, every run on it went DEAD at its first attempt ("Invalid duration: PT0S").
        Workspace.bindPort("too-hasty", Map.of("connector", "http", "url", "http://127.0.0.1:9/x", "timeout", "0s"));
        List<RuleLoadError> problems = repository.reload();
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).reason().contains("Port 'too-hasty': timeout must be above zero"),
                problems.toString());
    }
}
