package dev.switchboard.connect;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.switchboard.rules.RulesInForce;
import dev.switchboard.runs.RunState;
import dev.switchboard.support.Events;
import dev.switchboard.support.HubState;
import dev.switchboard.support.HubTestProfile;
import dev.switchboard.support.Workspace;

/**
 * A downstream that answers in binary (a PDF, protobuf): PostgreSQL keeps no NUL character in
 * text, so an excerpt holding one could not be recorded, the run's outcome would be lost and
 * downstream called again at every claim. Its NULs are kept as U+FFFD, and downstream is called once.
 */
@QuarkusTest
@TestProfile(HubTestProfile.class)
class BinaryResponsesTest {

    static final byte[] BINARY = { '%', 'P', 'D', 'F', 0, 0, 1, 2, 'o', 'k', 0 };

    static WireMockServer downstream;

    @Inject
    DataSource dataSource;

    @Inject
    RulesInForce repository;

    @BeforeAll
    static void startDownstream() {
        downstream = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        downstream.start();
        downstream.stubFor(post("/binary").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/plain").withBody(BINARY)));
        downstream.stubFor(post("/binary-error").willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "text/plain").withBody(BINARY)));
    }

    @AfterAll
    static void stopDownstream() {
        downstream.stop();
    }

    @BeforeEach
    void bindings() {
        String base = "http://127.0.0.1:" + downstream.port();
        Workspace.bindPort("binary-answer", Map.of("connector", "http", "url", base + "/binary"));
        Workspace.bindPort("binary-error", Map.of("connector", "http", "url", base + "/binary-error"));
        Workspace.writeRule("binary-responses.yaml", """
                rules:
                  - id: binary-answer
                    on: binary.answer
                    actions: [{id: call, port: binary-answer}]
                  - id: binary-error
                    on: binary.error
                    actions: [{id: call, port: binary-error}]
                """);
        assertEquals(List.of(), repository.reload());
    }

    private UUID callOnce(String type, String path, RunState outcome) throws InterruptedException {
        int before = downstream.findAll(postRequestedFor(urlEqualTo(path))).size();
        UUID event = Events.post(type, "");
        Events.awaitRuns(dataSource, event, Duration.ofSeconds(30), outcome);
        UUID run = Events.runOf(dataSource, event);
        Thread.sleep(1_000); // a second call would follow at once if the outcome had not been kept
        assertEquals(before + 1, downstream.findAll(postRequestedFor(urlEqualTo(path))).size(), "called once");
        return run;
    }

    private String attempt(UUID run, String column) {
        return HubState.text(dataSource, "select " + column + "::text from action_attempt where run_id = ? and attempt = 1",
                run);
    }

    @Test
    void aBinaryAnswerIsKeptWithItsNulsReplacedAndCalledOnce() throws InterruptedException {
        UUID run = callOnce("binary.answer", "/binary", RunState.SUCCEEDED);
        assertEquals("200", attempt(run, "downstream_status"));
        String excerpt = attempt(run, "response_excerpt");
        assertTrue(excerpt.startsWith("%PDF\uFFFD\uFFFD") && excerpt.endsWith("ok\uFFFD"), excerpt);
    }

    @Test
    void aBinaryRefusalMakesARunDeadWithItsReasonAndIsCalledOnce() throws InterruptedException {
        UUID run = callOnce("binary.error", "/binary-error", RunState.DEAD);
        assertEquals("400", attempt(run, "downstream_status"));
        assertTrue(attempt(run, "response_excerpt").startsWith("%PDF\uFFFD"));
        String reason = HubState.text(dataSource, "select last_error from action_run where id = ?", run);
        assertTrue(reason.contains("400"), reason);
    }
}
