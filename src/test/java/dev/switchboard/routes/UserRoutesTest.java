package dev.switchboard.routes;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.apache.camel.CamelContext;
import org.apache.camel.ConsumerTemplate;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePattern;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.Route;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.switchboard.core.ExchangeKeys;
import dev.switchboard.runs.RunState;
import dev.switchboard.stream.StreamAddresses;
import dev.switchboard.support.Events;
import dev.switchboard.support.HubState;
import dev.switchboard.support.HubTestProfile;
import dev.switchboard.support.Workspace;

/** YAML routes in the routes folder: reloaded on change, and reaching the stream, ports and dead letters. */
@QuarkusTest
@TestProfile(HubTestProfile.class)
class UserRoutesTest {

    static WireMockServer sink;

    @Inject
    ProducerTemplate producer;

    @Inject
    ConsumerTemplate consumer;

    @Inject
    DataSource dataSource;

    @Inject
    CamelContext camel;

    @Inject
    UserRoutes routes;

    @BeforeAll
    static void startSink() {
        sink = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        sink.start();
        sink.stubFor(post("/route-sink").willReturn(aResponse().withStatus(200)));
        // Unavailable every time: retried within the port's budget, then DEAD.
        sink.stubFor(post("/route-sink").withRequestBody(containing("refuse")).willReturn(aResponse().withStatus(503)));
    }

    @AfterAll
    static void stopSink() {
        Workspace.unbindPort("route-sink");
        sink.stop();
    }

    String request(String endpoint, String body) {
        return producer.requestBody(endpoint, body, String.class);
    }

    @Test
    void aYamlRouteEditedOnDiskTakesEffectWithoutARestart() {
        Workspace.writeRoute("greeting.yaml", greeting("hello v1"));
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
                .until(() -> request("direct:test-greeting?block=false", "").equals("hello v1"));

        Workspace.writeRoute("greeting.yaml", greeting("hello v2"));
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
                .until(() -> request("direct:test-greeting?block=false", "").equals("hello v2"));

        // A broken edit is reported with its file, and the last good version keeps running.
        Workspace.writeRoute("greeting.yaml", greeting("hello v3") + "        - noSuchStep: {}\n");
        await().atMost(Duration.ofSeconds(10)).until(() -> given().get("/api/routes").jsonPath()
                .getMap("errors").keySet().stream().anyMatch(file -> file.toString().endsWith("greeting.yaml")));
        assertEquals("hello v2", request("direct:test-greeting?block=false", ""));
        given().get("/api/routes").then().body("routes.id", hasItem("test-greeting"));

        // Removing the file removes its routes.
        Workspace.deleteRoute("greeting.yaml");
        // A reload removes the routes first and publishes its errors at its end: both are waited for.
        String greetingFile = Workspace.ROUTES.resolve("greeting.yaml").toAbsolutePath().toString();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            var routes = given().get("/api/routes").jsonPath();
            return !routes.getList("routes.id").contains("test-greeting")
                    && !routes.getMap("errors").containsKey(greetingFile);
        });
        assertThrows(Exception.class, () -> request("direct:test-greeting?block=false", ""));
    }

    @Test
    void aRouteIdTakenByTheHubOrAnotherFileIsRefusedAndTheRouteHoldingItKeepsRunning() {
        try {
            routeIdClashes();
        } finally {
            for (String file : List.of("clash-hub.yaml", "clash-second.yaml", "clash-first.yaml", "clash-0-moved.yaml")) {
                Workspace.deleteRoute(file);
            }
        }
    }

    private void routeIdClashes() {
        // Camel would replace the route of the same id: every webhook would have gone to this file.
        Workspace.writeRoute("clash-hub.yaml", greeting("hello").replace("id: test-greeting", "id: webhook-ingest"));
        assertEquals("route id 'webhook-ingest' is one of the hub's own routes: choose another id", awaitError("clash-hub.yaml"));
        assertTrue(camel.getRoute("webhook-ingest").getEndpoint().getEndpointUri().startsWith("platform-http:"));

        Workspace.writeRoute("clash-first.yaml", greeting("first").replace("test-greeting", "test-owned"));
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
                .until(() -> request("direct:test-owned?block=false", "").equals("first"));
        Workspace.writeRoute("clash-second.yaml", greeting("second").replace("id: test-greeting", "id: test-owned")
                .replace("direct:test-greeting", "direct:test-owned-too"));
        assertEquals("route id 'test-owned' is already used by " + Workspace.ROUTES.resolve("clash-first.yaml")
                .toAbsolutePath().normalize() + ": choose another id", awaitError("clash-second.yaml"));
        assertEquals("first", request("direct:test-owned?block=false", ""));

        // An edit of a running file that clashes leaves its routes running as they were, not restarted.
        Route running = camel.getRoute("test-owned");
        Workspace.writeRoute("clash-first.yaml", greeting("first, edited").replace("test-greeting", "test-owned")
                + greeting("hub's").replace("test-greeting", "webhook-ingest").replace("direct:webhook-ingest",
                        "direct:test-clash-hub"));
        assertEquals("route id 'webhook-ingest' is one of the hub's own routes: choose another id",
                awaitError("clash-first.yaml"));
        assertSame(running, camel.getRoute("test-owned"));
        assertEquals("first", request("direct:test-owned?block=false", ""));

        // A route moved from one file to another in one edit is no clash, whichever file is read first.
        Workspace.deleteRoute("clash-second.yaml");
        Workspace.writeRoute("clash-0-moved.yaml", greeting("moved").replace("test-greeting", "test-owned"));
        Workspace.writeRoute("clash-first.yaml", greeting("stays").replace("test-greeting", "test-staying"));
        routes.reload();
        assertEquals("moved", request("direct:test-owned?block=false", ""));
        assertEquals("stays", request("direct:test-staying?block=false", ""));
        given().get("/api/routes").then().body("errors", not(hasKey(Workspace.ROUTES.resolve("clash-0-moved.yaml")
                .toAbsolutePath().normalize().toString())))
                .body("errors", not(hasKey(Workspace.ROUTES.resolve("clash-first.yaml").toAbsolutePath().normalize()
                        .toString())));
    }

    @Test
    void aRoutesFileEndingInYmlIsReadAsYaml() {
        // Camel picks a loader by extension, and has none for .yml.
        Workspace.writeRoute("short-extension.yml", greeting("from yml").replace("test-greeting", "test-yml"));
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
                .until(() -> request("direct:test-yml?block=false", "").equals("from yml"));
        Workspace.deleteRoute("short-extension.yml");
    }

    private String awaitError(String file) {
        String[] error = new String[1];
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            Map<String, String> errors = given().get("/api/routes").jsonPath().getMap("errors");
            error[0] = errors.entrySet().stream().filter(entry -> entry.getKey().endsWith("/" + file))
                    .map(Map.Entry::getValue).findFirst().orElse(null);
            return error[0] != null;
        });
        return error[0];
    }

    static String greeting(String text) {
        return """
                - route:
                    id: test-greeting
                    from:
                      uri: direct:test-greeting
                      steps:
                        - setBody:
                            constant: "%s"
                """.formatted(text);
    }

    @Test
    void aRoutePublishesEachDeliveryOnceOntoTheStream() {
        Workspace.writeRoute("publisher.yaml", """
                - route:
                    id: test-publisher
                    from:
                      uri: direct:test-publish
                      steps:
                        - setHeader:
                            name: SwitchboardEventType
                            constant: routes.test.published
                        - setHeader:
                            name: SwitchboardEventId
                            jsonpath: $.id
                        - to: direct:switchboard-publish
                """);
        String body = "{\"id\": \"p-" + UUID.randomUUID() + "\", \"n\": 1}";
        Exchange first = awaitRoute("direct:test-publish", body);
        String event = first.getMessage().getHeader("SwitchboardEvent", String.class);
        assertEquals(false, first.getMessage().getHeader("SwitchboardDuplicate"));
        assertEquals(body, first.getMessage().getBody(String.class), "the route keeps its own body");

        Exchange again = producer.request("direct:test-publish", exchange -> exchange.getMessage().setBody(body));
        assertEquals(event, again.getMessage().getHeader("SwitchboardEvent", String.class));
        assertEquals(true, again.getMessage().getHeader("SwitchboardDuplicate"));

        assertEquals("IGNORED", Events.awaitOutcome(dataSource, UUID.fromString(event)));
        assertEquals(1, HubState.count(dataSource, "select count(*) from event where source = 'test-publisher'"
                + " and type = 'routes.test.published' and envelope -> 'data' ->> 'n' = '1' and id = ?",
                UUID.fromString(event)));

        // Without an event type the route fails, saying what is missing.
        Exception missing = assertThrows(Exception.class, () -> request(RouteEndpoints.PUBLISH, "{}"));
        assertTrue(missing.getCause().getMessage().contains("SwitchboardEventType"), missing.getCause().getMessage());
        // A body the route says is JSON and is not fails the route, saying why, rather than becoming text.
        Exception malformed = assertThrows(Exception.class, () -> producer.requestBodyAndHeaders(RouteEndpoints.PUBLISH,
                "{\"id\": \"p-1\",", Map.of(ExchangeKeys.EVENT_TYPE, "routes.test.published", Exchange.CONTENT_TYPE,
                        "application/json; charset=utf-8")));
        assertTrue(malformed.getCause().getMessage().startsWith("The body is not the JSON its Content-Type"
                + " (application/json; charset=utf-8) says: Unexpected end-of-input"), malformed.getCause().getMessage());
        Workspace.deleteRoute("publisher.yaml");
    }

    @Test
    void aRouteCallsAPortAsARunWithRetriesStateAndDeadLetters() {
        Workspace.bindPort("route-sink", Map.of("connector", "http", "url",
                "http://127.0.0.1:" + sink.port() + "/route-sink", "retry.max-attempts", "2", "retry.initial-delay", "100ms"));
        Workspace.writeRoute("caller.yaml", """
                - route:
                    id: test-caller
                    from:
                      uri: direct:test-call
                      steps:
                        - setHeader:
                            name: SwitchboardPort
                            constant: route-sink
                        - to: direct:switchboard-call
                """);
        String body = "{\"call\": \"" + UUID.randomUUID() + "\"}";
        UUID event = UUID.fromString(awaitRoute("direct:test-call", body).getMessage().getHeader("SwitchboardEvent",
                String.class));
        assertEquals(1, Events.awaitRuns(dataSource, event, Duration.ofSeconds(20), RunState.SUCCEEDED));
        Exchange again = producer.request("direct:test-call", exchange -> exchange.getMessage().setBody(body));
        assertEquals(true, again.getMessage().getHeader("SwitchboardDuplicate"), "the same call is made once");
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> sink.findAll(
                postRequestedFor(urlEqualTo("/route-sink")).withRequestBody(equalTo(body))).size() == 1);
        assertEquals("route:test-caller", HubState.text(dataSource, "select rule_id from action_run where event_id = ?",
                event));

        String refused = "{\"refuse\": \"" + UUID.randomUUID() + "\"}";
        UUID failing = UUID.fromString(producer.request("direct:test-call", exchange -> exchange.getMessage()
                .setBody(refused)).getMessage().getHeader("SwitchboardEvent", String.class));
        Events.awaitRuns(dataSource, failing, Duration.ofSeconds(20), RunState.DEAD);
        assertEquals(2, sink.findAll(postRequestedFor(urlEqualTo("/route-sink")).withRequestBody(equalTo(refused))).size(),
                "retry.max-attempts 2: called twice, then DEAD");
        // The alert is raised from the dead-letter outbox, a moment after the run went DEAD.
        String incident = "run-dead:" + HubState.text(dataSource, "select id::text from action_run where event_id = ?",
                failing);
        await().atMost(Duration.ofSeconds(20)).until(() -> given().get("/api/incidents").jsonPath()
                .getList("incident").contains(incident));
        Workspace.deleteRoute("caller.yaml");
    }

    @Test
    void theShippedLegacyQueueRouteTurnsLinesIntoEventsAndParksWhatItCannotRead() throws Exception {
        copyShipped("legacy-orders.yaml");
        String order = "L" + UUID.randomUUID().toString().substring(0, 8);
        await().atMost(Duration.ofSeconds(10)).until(() -> given().get("/api/routes").jsonPath()
                .getList("routes.id").contains("legacy-orders"));
        producer.sendBody("jms:queue:legacy.orders?exchangePattern=" + ExchangePattern.InOnly,
                "ORDER|" + order + "|ada@example.com|1250.00");
        producer.sendBody("jms:queue:legacy.orders?exchangePattern=" + ExchangePattern.InOnly,
                "ORDER|" + order + "|ada@example.com|1250.00"); // the legacy system sent it twice

        await().atMost(Duration.ofSeconds(15)).until(() -> HubState.count(dataSource,
                "select count(*) from event where source = 'legacy-orders' and delivery_id = ?", order) == 1);
        assertEquals("ada@example.com", HubState.text(dataSource, "select envelope -> 'data' -> 'customer' ->> 'email'"
                + " from event where source = 'legacy-orders' and delivery_id = ?", order));
        assertEquals("1250.00", HubState.text(dataSource, "select to_char((envelope -> 'data' ->> 'total')::numeric,"
                + " 'FM9999.00') from event where source = 'legacy-orders' and delivery_id = ?", order));

        String garbage = "GARBAGE " + order;
        producer.sendBody("jms:queue:legacy.orders?exchangePattern=" + ExchangePattern.InOnly, garbage);
        Exchange parked = consumer.receive("jms:queue:" + StreamAddresses.ROUTES_PARKED + "?selector=SwitchboardRoute='legacy-orders'",
                15_000);
        assertEquals(garbage, parked.getMessage().getBody(String.class));
        assertTrue(parked.getMessage().getHeader(ExchangeKeys.PARKED_REASON, String.class).contains("not a legacy order line"));
        given().get("/api/incidents").then().body("incident", hasItem("route-parked:legacy-orders"));

        // The next line that goes through resolves the route's incident.
        producer.sendBody("jms:queue:legacy.orders?exchangePattern=" + ExchangePattern.InOnly,
                "ORDER|" + order + "-2|bob@example.com|10");
        await().atMost(Duration.ofSeconds(15)).until(() -> !given().get("/api/incidents").jsonPath()
                .getList("incident").contains("route-parked:legacy-orders"));
        Workspace.deleteRoute("legacy-orders.yaml");
    }

    @Test
    void aParkedMessagesReasonHasTheUrlItQuotesMasked() {
        // Camel's HTTP errors quote the URL called; a webhook URL's path is its token.
        Workspace.writeRoute("leaky-park.yaml", """
                - onException:
                    exception:
                      - java.lang.IllegalStateException
                    handled:
                      constant: true
                    steps:
                      - to: direct:switchboard-park
                - route:
                    id: test-leaky-park
                    from:
                      uri: direct:test-leaky-park
                      steps:
                        - throwException:
                            exceptionType: java.lang.IllegalStateException
                            message: "HTTP operation failed invoking https://hooks.example.com/services/T0/B0/TOKEN-9Xq2 with statusCode: 500"
                """);
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
            producer.sendBody("direct:test-leaky-park", "alert");
            return true;
        });
        Exchange parked = consumer.receive("jms:queue:" + StreamAddresses.ROUTES_PARKED
                + "?selector=SwitchboardRoute='test-leaky-park'", 15_000);
        String reason = parked.getMessage().getHeader(ExchangeKeys.PARKED_REASON, String.class);
        assertEquals("HTTP operation failed invoking https://hooks.example.com/services/*** with statusCode: 500", reason);
        Workspace.deleteRoute("leaky-park.yaml");
    }

    @Test
    void aRouteThatParksThroughTheEndpointsFormerNameStillParks() {
        Workspace.writeRoute("former-park.yaml", """
                - route:
                    id: test-former-park
                    from:
                      uri: direct:test-former-park
                      steps:
                        - to: direct:switchboard-dead-letter
                """);
        String body = "parked " + UUID.randomUUID();
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
            producer.sendBody("direct:test-former-park", body);
            return true;
        });
        Exchange parked = consumer.receive("jms:queue:" + StreamAddresses.ROUTES_PARKED
                + "?selector=SwitchboardRoute='test-former-park'", 15_000);
        assertEquals(body, parked.getMessage().getBody(String.class));
        assertEquals("sent to the parking endpoint", parked.getMessage().getHeader(ExchangeKeys.PARKED_REASON));
        Workspace.deleteRoute("former-park.yaml");
    }

    @Test
    void theShippedReconciliationEmitsAnEventOnSchedule() throws Exception {
        long before = HubState.count(dataSource, "select count(*) from event where type = 'shop.orders.reconciled'");
        copyShipped("reconcile-orders.yaml");
        await().atMost(Duration.ofSeconds(15)).until(() -> HubState.count(dataSource,
                "select count(*) from event where type = 'shop.orders.reconciled'") > before);
        Workspace.deleteRoute("reconcile-orders.yaml");
        String data = HubState.text(dataSource, "select envelope ->> 'data' from event where type = 'shop.orders.reconciled'"
                + " order by received_at desc limit 1");
        assertTrue(data.contains("\"received\"") && data.contains("\"untagged\""), data);
    }

    /** The first answer of the route once it is loaded (a direct endpoint fails at once until then). */
    private Exchange awaitRoute(String endpoint, String body) {
        Exchange[] result = new Exchange[1];
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            result[0] = producer.request(endpoint + "?block=false", exchange -> exchange.getMessage().setBody(body));
            return result[0].getException() == null;
        });
        return result[0];
    }

    private static void copyShipped(String file) throws Exception {
        Workspace.writeRoute(file, Files.readString(Path.of("routes", file)));
    }
}
