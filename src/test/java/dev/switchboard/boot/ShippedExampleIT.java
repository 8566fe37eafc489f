package dev.switchboard.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.switchboard.core.Json;
import dev.switchboard.support.HubProcess;
import dev.switchboard.support.Signing;

/**
 * The example that ships at the repository root (application.properties, rules/) run as the
 * README's quick start runs it: a signed VIP order notifies chat and reaches the CRM, an ordinary
 * order only reaches the CRM. Then stopped as a supervisor stops it (SIGTERM): its output holds no
 * stack trace, no warning about a temporary session key, and none from Artemis about a queue
 * without a dead-letter or expiry address; Camel and the consumers stop before the embedded
 * database and broker, so nothing fails under them.
 */
class ShippedExampleIT {

    static final ObjectMapper JSON = Json.MAPPER;

    final HttpClient http = HttpClient.newHttpClient();

    @Test
    void signedOrdersRunTheExampleRulesAndTheHubStopsWithoutAStackTrace() throws Exception {
        Path work = Files.createTempDirectory(Path.of("target"), "shipped-example-");
        Files.copy(Path.of("application.properties"), work.resolve("application.properties"));
        Path rules = Files.createDirectories(work.resolve("rules/models"));
        Files.copy(Path.of("rules/shop-orders.yaml"), rules.getParent().resolve("shop-orders.yaml"));
        Files.copy(Path.of("rules/models/vip_customer.sql"), rules.resolve("vip_customer.sql"));
        int httpPort = HubProcess.freePort();
        Map<String, String> environment = Map.of("QUARKUS_HTTP_PORT", Integer.toString(httpPort),
                "SWITCHBOARD_EMBEDDED_BROKER_PORT", Integer.toString(HubProcess.freePort()),
                "SWITCHBOARD_EMBEDDED_AMQP_PORT", Integer.toString(HubProcess.freePort()));

        HubProcess hub = HubProcess.start(work, httpPort, environment).awaitReady(Duration.ofSeconds(90));
        try {
            long firstOrder = System.nanoTime();
            String vip = order(hub, 1250, "ada@example.com");
            String ordinary = order(hub, 40, "bob@example.com");

            assertEquals(Map.of("vip-order-alert", "SUCCEEDED", "orders-to-crm", "SUCCEEDED"), runs(hub, vip));
            assertEquals(Map.of("orders-to-crm", "SUCCEEDED"), runs(hub, ordinary));
            assertTrue(hub.output().contains("VIP order "), "the chat port (log) got the alert");
            // The examples' public credentials are named (never shown) once, and nothing but this
            // machine can reach the hub while they are in force.
            String output = hub.output();
            assertTrue(output.contains("*** EXAMPLE CREDENTIALS IN FORCE: quarkus.security.users.embedded.users.operator,"
                    + " quarkus.security.users.embedded.users.viewer, switchboard.sources.github.secret,"
                    + " switchboard.sources.shop.secret."), output);
            assertFalse(output.contains("operator-example-password") || output.contains("shop-example-secret"), output);
            assertTrue(output.contains("Listening on: http://127.0.0.1:" + httpPort), output);
            // The orders' spans are batched for export every 5 s: past that, a first start with no
            // OTLP endpoint set has sent them nowhere (not to Quarkus's default localhost:4317).
            Thread.sleep(Math.max(0, Duration.ofSeconds(7).toMillis() - (System.nanoTime() - firstOrder) / 1_000_000));
            output = hub.output();
            assertFalse(output.contains("Failed to export") || output.contains("4317"), output);
            // A first start warns of what the user must act on and nothing else: a library's WARN at
            // every start (Micrometer's, quarkusio/quarkus#52014) teaches them to skip the warnings.
            assertEquals(List.of(), output.lines().filter(line -> line.contains(" WARN ") || line.contains(" ERROR "))
                    .filter(line -> !line.contains("[dev.switchboard.boot.ExampleCredentials]")).toList(), output);
        } finally {
            hub.close();
        }

        String output = hub.output();
        assertTrue(output.contains("switchboard stopped in"), output);
        assertEquals(List.of(), output.lines()
                .filter(line -> line.contains("Exception") || line.startsWith("\tat ") || line.startsWith("Caused by"))
                .toList(), output);
        assertFalse(output.contains("Encryption key was not specified"), output);
        // Every queue has a dead-letter and an expiry address: Artemis has nothing to warn about.
        assertEquals(List.of(), output.lines().filter(line -> line.contains("AMQ222165") || line.contains("AMQ222166"))
                .toList(), output);
    }

    private String order(HubProcess hub, int total, String email) throws Exception {
        String body = "{\"id\":\"ord-" + UUID.randomUUID() + "\",\"type\":\"shop.order.created\",\"total\":" + total
                + ",\"customer\":{\"email\":\"" + email + "\"}}";
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(hub.baseUrl() + "/hooks/shop"))
                .header("Content-Type", "application/json")
                .header("X-Shop-Signature", "sha256=" + Signing.hmacHex("shop-example-secret", body))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(202, response.statusCode(), response.body());
        return response.body().replaceAll(".*\"event\":\"([^\"]+)\".*", "$1");
    }

    /** Rule id to run state for the event, once every run has finished. */
    private Map<String, String> runs(HubProcess hub, String event) throws Exception {
        Instant deadline = Instant.now().plusSeconds(30);
        Map<String, String> states = new TreeMap<>();
        while (Instant.now().isBefore(deadline)) {
            JsonNode items = JSON.readTree(http.send(HttpRequest.newBuilder(
                    URI.create(hub.baseUrl() + "/api/runs?event=" + event))
                    .header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(
                            "viewer:viewer-example-password".getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                    .build(),
                    HttpResponse.BodyHandlers.ofString()).body()).path("items");
            states.clear();
            items.forEach(run -> states.put(run.path("rule").asText(), run.path("state").asText()));
            if (!states.isEmpty() && states.values().stream().noneMatch(List.of("PENDING", "RUNNING", "FAILED")::contains)) {
                break;
            }
            Thread.sleep(200);
        }
        return states;
    }
}
