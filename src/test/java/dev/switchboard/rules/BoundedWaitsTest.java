package dev.switchboard.rules;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSContext;
import jakarta.jms.Queue;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.cloudevents.core.builder.CloudEventBuilder;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.switchboard.core.EventDocument;
import dev.switchboard.stream.StreamAddresses;
import dev.switchboard.support.CapturedLog;
import dev.switchboard.support.Events;
import dev.switchboard.support.FreezableProxy;
import dev.switchboard.support.HubState;
import dev.switchboard.support.HubTestProfile;
import dev.switchboard.support.Workspace;

/**
 * Nothing waits without a bound: a model slower than its database's statement timeout fails its
 * own event (FAILED, with the reason) while the events behind it go on; a business database that
 * stops answering mid-query lets go of the stream's consumer soon after the statement timeout, and
 * holds back only the events whose models need it; and a port without time for a call does not load.
 */
@QuarkusTest
@TestProfile(HubTestProfile.class)
class BoundedWaitsTest {

    @Inject
    DataSource dataSource;

    @Inject
    RulesInForce repository;

    @Inject
    ConnectionFactory broker;

    @Inject
    ModelRunner models;

    @Inject
    MeterRegistry registry;

    @AfterEach
    void cleanUp() {
        Workspace.deleteRule("bounded.yaml");
        Workspace.deleteModel("slow_warehouse");
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

        // The events behind that need the same database are not each held for its timeout: it
        // rests, and they are told at once to come back (the stream sends them back, see below).
        SqlModel model = repository.current().models().get("slow_warehouse");
        EventDocument event = EventDocument.of(CloudEventBuilder.v1().withId(UUID.randomUUID().toString())
                .withSource(URI.create("test")).withType("bounded.slow").build());
        assertThrows(ModelRunner.ModelException.class, () -> models.run(model, event), "the first waits out the timeout");
        long asked = System.nanoTime();
        ModelRunner.ModelException resting = assertThrows(ModelRunner.ModelException.class, () -> models.run(model, event));
        assertTrue(System.nanoTime() - asked < 1_000_000_000L, "answered at once");
        assertTrue(resting.isTransient(), "to be tried again: " + resting.getMessage());
        assertTrue(resting.getMessage().startsWith("model slow_warehouse not run: its database failed less than 5 s ago"),
                resting.getMessage());
    }

    @Test
    void aBusinessDatabaseThatStopsAnsweringMidQueryReleasesItsConsumerSoonAfterTheStatementTimeout()
            throws Exception {
        try (FreezableProxy database = answeringWarehouse("bounded.frozen", "frozen_warehouse")) {
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

    @Test
    void aBusinessDatabaseThatIsAwayHoldsBackOnlyTheEventsWhoseModelsNeedItUntilItIsBack() throws Exception {
        try (FreezableProxy database = answeringWarehouse("bounded.away", "away_warehouse")) {
            database.freeze();
            // Stream batches that each hold an event whose model needs the frozen host and its
            // neighbours: the broker deals the messages round the stream's consumers in turn, so
            // with 20 of them and one in five waiting, each consumer (2 by default) gets both kinds. A
            // batch rolled back for the model's sake would come back whole, again and again, and
            // its neighbours with it, for as long as the host is away.
            double postponed = registry.counter("switchboard.stream.postponed").count();
            List<UUID> waiting = new ArrayList<>();
            List<UUID> neighbours = new ArrayList<>();
            try (JMSContext context = broker.createContext(JMSContext.SESSION_TRANSACTED)) {
                Queue stream = context.createQueue(StreamAddresses.EVENTS);
                for (int i = 0; i < 20; i++) {
                    UUID event = UUID.randomUUID();
                    boolean needsModel = i % 5 == 0;
                    (needsModel ? waiting : neighbours).add(event);
                    context.createProducer().send(stream,
                            Events.envelope(event.toString(), needsModel ? "bounded.away" : "bounded.neighbour", "{}"));
                }
                context.commit();
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> neighbours.stream()
                    .allMatch(event -> "IGNORED".equals(HubState.eventState(dataSource, event))));
            for (UUID event : waiting) {
                assertEquals(null, HubState.eventState(dataSource, event), "not judged while its model's host is away");
            }
            // Counted as each comes back, which may be a moment after its neighbours' commit.
            await().atMost(Duration.ofSeconds(30)).until(() -> registry.counter("switchboard.stream.postponed")
                    .count() >= postponed + waiting.size());

            database.thaw();
            await().atMost(Duration.ofSeconds(90)).until(() -> waiting.stream()
                    .allMatch(event -> "PROCESSED".equals(HubState.eventState(dataSource, event))));
            for (UUID event : waiting) {
                assertEquals(1, HubState.count(dataSource, "select count(*) from action_run where event_id = ?", event),
                        "judged once");
            }
        } finally {
            Workspace.deleteModel("away_warehouse");
        }
    }

    /**
     * The {@code frozen} datasource's host behind a proxy, and a rule for events of {@code type}
     * requiring a model on it, connected and answering: the pool holds a connection through the proxy.
     */
    private FreezableProxy answeringWarehouse(String type, String model) {
        URI hub = URI.create(ConfigProvider.getConfig().getValue("quarkus.datasource.jdbc.url", String.class)
                .substring("jdbc:".length()));
        FreezableProxy database = FreezableProxy.to(hub.getHost(), hub.getPort());
        ruleWithModel(type, model, """
                -- datasource: frozen
                select true as answered
                """);
        assertEquals("PROCESSED", Events.awaitOutcome(dataSource, Events.post(type, "")));
        return database;
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
