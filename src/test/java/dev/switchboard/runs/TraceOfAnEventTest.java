package dev.switchboard.runs;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.switchboard.rules.RulesInForce;
import dev.switchboard.stream.IncomingEvent;
import dev.switchboard.support.HubTestProfile;
import dev.switchboard.support.Signing;
import dev.switchboard.support.SpansInMemory;
import dev.switchboard.support.Workspace;

/**
 * A signed webhook carrying a W3C {@code traceparent} becomes one trace: its acceptance continues
 * the sender's span, the stream's consumption the acceptance, the run the consumption, each
 * attempt the run; the downstream service receives each attempt's span as its parent, and the API
 * names the trace. A failed attempt is marked failed with its error.
 */
@QuarkusTest
@TestProfile(HubTestProfile.class)
class TraceOfAnEventTest {

    static WireMockServer sink;

    @Inject
    DataSource dataSource;

    @Inject
    RulesInForce rules;

    @Inject
    SpansInMemory spans;

    @BeforeAll
    static void startSink() {
        sink = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        sink.start();
        // Down for the first call, up for the next: two attempts, one failed.
        sink.stubFor(post("/traced").inScenario("flaky").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(500).withBody("sink is down")).willSetStateTo("up"));
        sink.stubFor(post("/traced").inScenario("flaky").whenScenarioStateIs("up")
                .willReturn(aResponse().withStatus(200)));
    }

    @AfterAll
    static void stopSink() {
        sink.stop();
    }

    @AfterEach
    void removeRules() {
        Workspace.deleteRule("traced.yaml");
        Workspace.deleteModel("never_vip");
        assertEquals(List.of(), rules.reload());
    }

    @Test
    void aSignedWebhooksTraceparentIsContinuedThroughAcceptanceConsumptionTheRunAndEachAttemptToTheSink() {
        Workspace.bindPort("traced", Map.of("connector", "http", "url", "http://127.0.0.1:" + sink.port() + "/traced",
                "retry.initial-delay", "100ms", "retry.max-delay", "200ms"));
        Workspace.writeModel("never_vip", "select false as vip\n");
        Workspace.writeRule("traced.yaml", """
                rules:
                  - id: traced-rule
                    on: trace.checked
                    actions: [{id: call, port: traced, body: '{"order": "{{data.order}}"}'}]
                  - id: vip-only
                    on: trace.checked
                    require: [never_vip]
                    actions: [{id: call, port: traced}]
                """);
        assertEquals(List.of(), rules.reload());

        String traceId = hex(16);
        String senderSpan = hex(8);
        String deliveryId = UUID.randomUUID().toString();
        String body = "{\"id\":\"" + deliveryId + "\",\"type\":\"trace.checked\",\"order\":\"o-1\"}";
        given().contentType("application/json")
                .header("X-Signature", "sha256=" + Signing.hmacHex("new-secret", body))
                .header("traceparent", "00-" + traceId + "-" + senderSpan + "-01")
                .body(body).post("/hooks/hmac").then().statusCode(202);
        UUID event = IncomingEvent.eventId("hmac", deliveryId);

        // Two attempts and every span of the trace exported (Quarkus's batch of spans goes every 5 s).
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> named(traceId, "attempt traced").size() == 2 && one(traceId, "run traced-rule/call").isPresent());

        SpanData acceptance = one(traceId, "accept hmac").orElseThrow();
        assertTrue(continuesSender(traceId, acceptance, senderSpan),
                "the acceptance continues the sender's span " + senderSpan + ": " + spans.ofTrace(traceId));
        assertEquals(event.toString(), acceptance.getAttributes().get(AttributeKey.stringKey("switchboard.event.id")));

        SpanData consumption = one(traceId, "consume trace.checked").orElseThrow();
        assertEquals(acceptance.getSpanId(), consumption.getParentSpanId());
        assertEquals(SpanKind.CONSUMER, consumption.getKind());
        assertEquals(List.of("traced-rule"), consumption.getAttributes().get(StreamConsumer.RULES_MATCHED));
        // Why the other rule took no action: its model was asked and said no.
        assertEquals(List.of("never_vip"), consumption.getAttributes().get(StreamConsumer.MODELS_ASKED));
        assertEquals(List.of("vip-only"), consumption.getAttributes().get(StreamConsumer.RULES_DECLINED_BY_MODEL));

        SpanData run = one(traceId, "run traced-rule/call").orElseThrow();
        assertEquals(consumption.getSpanId(), run.getParentSpanId());
        assertEquals("traced", run.getAttributes().get(AttributeKey.stringKey("switchboard.port")));

        List<SpanData> attempts = named(traceId, "attempt traced").stream()
                .sorted(Comparator.comparing(span -> span.getAttributes().get(AttributeKey.longKey("switchboard.attempt"))))
                .toList();
        for (SpanData attempt : attempts) {
            assertEquals(run.getSpanId(), attempt.getParentSpanId());
            assertEquals("http", attempt.getAttributes().get(AttributeKey.stringKey("switchboard.connector")));
        }
        SpanData failed = attempts.get(0);
        assertEquals(StatusCode.ERROR, failed.getStatus().getStatusCode());
        assertEquals("failed", failed.getAttributes().get(AttributeKey.stringKey("switchboard.status")));
        assertTrue(failed.getAttributes().get(AttributeKey.stringKey("switchboard.error")).contains("500"),
                failed.getAttributes().toString());
        SpanData succeeded = attempts.get(1);
        assertEquals("succeeded", succeeded.getAttributes().get(AttributeKey.stringKey("switchboard.status")));
        assertEquals(StatusCode.UNSET, succeeded.getStatus().getStatusCode());

        // The sink saw each attempt as the parent of its own work, in the sender's trace.
        List<String> received = sink.findAll(postRequestedFor(urlEqualTo("/traced"))).stream()
                .map(request -> request.getHeader("traceparent")).toList();
        assertEquals(attempts.stream().map(attempt -> "00-" + traceId + "-" + attempt.getSpanId() + "-01").toList(),
                received);

        given().get("/api/events/" + event).then().statusCode(200)
                .body("traceId", org.hamcrest.Matchers.equalTo(traceId));
    }

    /** The acceptance's parent is the sender's span, or Quarkus's span of the request, whose parent is. */
    private boolean continuesSender(String traceId, SpanData acceptance, String senderSpan) {
        if (acceptance.getParentSpanId().equals(senderSpan)) {
            return true;
        }
        return spans.ofTrace(traceId).stream().anyMatch(span -> span.getSpanId().equals(acceptance.getParentSpanId())
                && span.getKind() == SpanKind.SERVER && span.getParentSpanId().equals(senderSpan));
    }

    private List<SpanData> named(String traceId, String name) {
        return spans.ofTrace(traceId).stream().filter(span -> span.getName().equals(name)).toList();
    }

    private Optional<SpanData> one(String traceId, String name) {
        List<SpanData> found = named(traceId, name);
        assertTrue(found.size() <= 1, "one span named " + name + ": " + found);
        return found.stream().findFirst();
    }

    private static String hex(int bytes) {
        byte[] random = new byte[bytes];
        ThreadLocalRandom.current().nextBytes(random);
        return HexFormat.of().formatHex(random);
    }
}
