package dev.switchboard.ops;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;
import jakarta.jms.JMSContext;

import org.apache.qpid.jms.JmsConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;

import dev.switchboard.boot.EmbeddedBroker;
import dev.switchboard.boot.OperatorConfigSourceProvider;
import dev.switchboard.rules.RuleLoadError;
import dev.switchboard.rules.RulesInForce;
import dev.switchboard.stream.IncomingEvent;
import dev.switchboard.support.CapturedLog;
import dev.switchboard.support.HubState;
import dev.switchboard.support.HubTestProfile;
import dev.switchboard.support.Queues;
import dev.switchboard.support.Signing;
import dev.switchboard.support.Workspace;

/**
 * Sources and expectations in the operator's file take effect at the next reload, like rules and
 * port bindings: no restart. A mistake in them rejects the whole reload, naming file, line and a
 * fix, and what was in force stays. A setting only a restart applies is listed as such.
 */
@QuarkusTest
@TestProfile(HubTestProfile.class)
class OperatorFileReloadTest {

    private static final Duration RELOAD = Duration.ofSeconds(15);

    @Inject
    DataSource dataSource;

    @Inject
    RulesInForce rules;

    @AfterEach
    void removeWhatTheTestAdded() {
        Workspace.setAll("switchboard.sources.billing.", Map.of());
        Workspace.setAll("switchboard.sources.ledger-queue.", Map.of());
        Workspace.setAll("switchboard.expectations.payroll.", Map.of());
        Workspace.setAll("switchboard.alerts.", Map.of());
        Workspace.setAll("switchboard.runs.", Map.of());
        rules.reload();
    }

    static Response postBilling(String body) {
        return given().contentType("application/json").header("X-Signature", Signing.hmacHex("billing-secret", body))
                .body(body).post("/hooks/billing");
    }

    static void addBilling(Map<String, String> extra) {
        Map<String, String> settings = new java.util.HashMap<>(Map.of("kind", "webhook", "signature", "hmac-sha256",
                "secret", "billing-secret", "event-type", "billing.invoice.created"));
        settings.putAll(extra);
        Workspace.setAll("switchboard.sources.billing.", settings);
    }

    @Test
    void aWebhookSourceAddedToTheFileAnswersWithoutARestartAndIsGoneWhenRemoved() {
        String body = "{\"invoice\":\"" + UUID.randomUUID() + "\"}";
        postBilling(body).then().statusCode(404).contentType("application/problem+json");

        addBilling(Map.of());
        await().atMost(RELOAD).until(() -> postBilling(body).statusCode() == 202);
        given().get("/api/sources").then().body("name", hasItem("billing"));

        Workspace.setAll("switchboard.sources.billing.", Map.of());
        await().atMost(RELOAD).until(() -> postBilling(body).statusCode() == 404);
        given().get("/api/sources").then().body("name", not(hasItem("billing")));
    }

    @Test
    void anUnsignedSourceAddedToTheFileIsWarnedAboutOnceASignedOneIsNot() {
        try (CapturedLog log = CapturedLog.open()) {
            addBilling(Map.of());
            await().atMost(RELOAD).until(() -> given().get("/api/sources").jsonPath().getList("name").contains("billing"));
            Workspace.setAll("switchboard.sources.billing.", Map.of());
            await().atMost(RELOAD).until(() -> !given().get("/api/sources").jsonPath().getList("name").contains("billing"));
            Workspace.setAll("switchboard.sources.billing.", Map.of("kind", "webhook", "signature", "none",
                    "event-type", "billing.invoice.created"));
            await().atMost(RELOAD).until(() -> given().get("/api/sources").jsonPath().getList("name").contains("billing"));

            List<String> warned = log.lines().stream().map(CapturedLog.Line::message)
                    .filter(message -> message.contains("unsigned webhooks")).toList();
            assertEquals(List.of("Source 'billing' takes unsigned webhooks (signature=none): anyone who can reach"
                    + " /hooks/billing can make it events"), warned);
        }
    }

    @Test
    void aBrokenSourceRejectsTheReloadWithItsLineAndTheSourcesInForceStay() throws Exception {
        String body = "{\"invoice\":\"" + UUID.randomUUID() + "\"}";
        addBilling(Map.of());
        await().atMost(RELOAD).until(() -> postBilling(body).statusCode() == 202);

        // A typo of "secret" beside the real one: a setting that would silently not be set.
        addBilling(Map.of("secert", "x"));
        List<RuleLoadError> errors = rules.reload();
        assertEquals(1, errors.size(), errors.toString());
        RuleLoadError error = errors.get(0);
        assertEquals(OperatorConfigSourceProvider.file().toString(), error.file());
        assertTrue(error.line() > 0, "points at the line: " + error);
        assertTrue(java.nio.file.Files.readAllLines(OperatorConfigSourceProvider.file()).get(error.line() - 1)
                .startsWith("switchboard.sources.billing.secert"), error.toString());
        assertTrue(error.reason().startsWith("Source 'billing': unknown setting 'secert' for a webhook source"
                + " (did you mean 'secret'?); it takes"), error.reason());

        // A webhook source without a signature scheme would open a door by omission.
        Workspace.setAll("switchboard.sources.billing.", Map.of("kind", "webhook", "secret", "billing-secret"));
        errors = rules.reload();
        assertEquals(1, errors.size(), errors.toString());
        assertTrue(errors.get(0).reason().startsWith("Source 'billing': set switchboard.sources.billing.signature"),
                errors.get(0).reason());
        given().get("/api/rules").then().body("errors.reason", hasItem(containsString("Source 'billing'")));

        // Rejected as a whole: billing as it was last loaded still takes its deliveries.
        assertEquals(202, postBilling("{\"invoice\":\"" + UUID.randomUUID() + "\"}").statusCode());
    }

    @Test
    void aQueueSourceAddedToTheFileStartsConsumingWithoutARestart() throws Exception {
        Workspace.setAll("switchboard.sources.ledger-queue.", Map.of("kind", "queue", "address", "test.queue.ledger",
                "event-id", "jsonpath:$.id", "event-type", "ledger.entry"));
        await().atMost(RELOAD).until(() -> rules.errors().isEmpty()
                && given().get("/api/sources").jsonPath().getList("name").contains("ledger-queue"));
        String id = UUID.randomUUID().toString();
        // Its publisher was admitted to the embedded broker with a generated password, as at startup.
        try (JMSContext context = new JmsConnectionFactory("ledger-queue", Queues.publisherPassword("ledger-queue"),
                EmbeddedBroker.amqpUrl()).createContext()) {
            context.createProducer().send(context.createQueue("test.queue.ledger"), "{\"id\":\"" + id + "\"}");
        }
        UUID event = IncomingEvent.eventId("ledger-queue", id);
        await().atMost(Duration.ofSeconds(20)).until(() -> HubState.eventState(dataSource, event) != null);
        assertEquals("ledger.entry", HubState.text(dataSource, "select type from event where id = ?", event));
    }

    @Test
    void anExpectationAddedToTheFileAlertsWithoutARestartAndResolvesWhenRemoved() {
        Workspace.setAll("switchboard.expectations.payroll.", Map.of("type", "payroll.run.finished", "every", "1s"));
        await().atMost(Duration.ofSeconds(30)).until(() -> given().get("/api/incidents").jsonPath()
                .getList("incident").contains("expectation:payroll"));

        Workspace.setAll("switchboard.expectations.payroll.", Map.of());
        await().atMost(Duration.ofSeconds(30)).until(() -> !given().get("/api/incidents").jsonPath()
                .getList("incident").contains("expectation:payroll"));
    }

    @Test
    void aSettingOnlyARestartAppliesIsListedAsNeedingOneAndNotAppliedMeanwhile() {
        given().get("/api/rules").then().body("restartNeeded", empty());

        Workspace.setAll("switchboard.alerts.", Map.of("check-interval", "7s", "port-min-attempts", "3"));
        assertEquals(List.of(), rules.reload());
        given().get("/api/rules").then()
                .body("restartNeeded.setting", org.hamcrest.Matchers.contains("switchboard.alerts.check-interval"))
                .body("restartNeeded[0].line", org.hamcrest.Matchers.greaterThan(0));
        String overview = given().auth().none().cookie("quarkus-credential",
                DashboardRolesTest.signIn(HubTestProfile.VIEWER)).get("/ui").asString();
        assertTrue(overview.contains("id=\"restart-needed\"") && overview.contains("switchboard.alerts.check-interval"),
                overview);

        Workspace.setAll("switchboard.alerts.", Map.of());
        assertEquals(List.of(), rules.reload());
        given().get("/api/rules").then().body("restartNeeded", empty());
    }

    @Test
    void anEditTheNextStartWouldRefuseRejectsTheReloadWithItsLine() throws Exception {
        // Each was taken in silence by a reload: a typo left the threshold at its default, the rate
        // paged for ports with no attempts, and a count only a restart applies was called "restart
        // needed" while the restart would refuse it.
        Workspace.setAll("switchboard.alerts.", Map.of("port-failure-rat", "0.9", "port-failure-rate", "-0.5"));
        Workspace.setAll("switchboard.expectations.payroll.", Map.of("type", "payroll.run.finished", "every", "25"));
        Workspace.setAll("switchboard.runs.", Map.of("workers", "0"));
        // In the hub's words, not SmallRye's: the word failed the whole mapping of the sources.
        Workspace.setAll("switchboard.sources.reload-orders.", Map.of("kind", "queue", "address", "reload.orders",
                "consumers", "two"));
        List<RuleLoadError> errors = rules.reload();
        List<String> lines = java.nio.file.Files.readAllLines(OperatorConfigSourceProvider.file());
        assertEquals(List.of(
                "switchboard.alerts.port-failure-rat: unknown setting 'switchboard.alerts.port-failure-rat' (did you mean"
                        + " 'switchboard.alerts.port-failure-rate'?): nothing reads it (docs/configuration.md lists every"
                        + " setting)",
                "switchboard.alerts.port-failure-rate: switchboard.alerts.port-failure-rate=-0.5: must be a share from 0"
                        + " (alert at any failure) up to, not including, 1, such as 0.5",
                "switchboard.expectations.payroll.every: switchboard.expectations.payroll.every=25: '25' needs a unit,"
                        + " such as 25s, 25m, 25h or 25d",
                "switchboard.runs.workers: switchboard.runs.workers=0: must be a whole number of at least 1",
                "switchboard.sources.reload-orders.consumers: switchboard.sources.reload-orders.consumers=two: not a"
                        + " whole number"),
                errors.stream().map(error -> lines.get(error.line() - 1).split("=")[0] + ": " + error.reason()).sorted()
                        .toList());
        // A mistake to fix, not a change waiting for a restart, which would refuse it too.
        given().get("/api/rules").then().body("restartNeeded", empty());

        Workspace.setAll("switchboard.alerts.", Map.of());
        Workspace.setAll("switchboard.expectations.payroll.", Map.of());
        Workspace.setAll("switchboard.runs.", Map.of());
        Workspace.setAll("switchboard.sources.reload-orders.", Map.of());
        assertEquals(List.of(), rules.reload());
    }
}
