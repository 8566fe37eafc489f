package dev.switchboard.connect;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.extension.ResponseTransformerV2;
import com.github.tomakehurst.wiremock.http.Response;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.switchboard.rules.RulesInForce;
import dev.switchboard.runs.RunState;
import dev.switchboard.support.Events;
import dev.switchboard.support.HubState;
import dev.switchboard.support.HubTestProfile;
import dev.switchboard.support.Workspace;

/**
 * A downstream that answers with 50 MB: the hub reads a bounded head of it, records an excerpt,
 * and hangs up instead of taking in the rest. One that answers in binary (a PDF, protobuf):
 * PostgreSQL keeps no NUL character in text, so an excerpt holding one could not be recorded, the
 * run's outcome would be lost and downstream called again at every claim; its NULs are kept as
 * U+FFFD, and downstream is called once.
 */
@QuarkusTest
@TestProfile(HubTestProfile.class)
class LargeResponsesTest {

    static final long FIFTY_MB = 50L * 1024 * 1024;
    static final byte[] BINARY = { '%', 'P', 'D', 'F', 0, 0, 1, 2, 'o', 'k', 0 };

    /** Bytes the downstream's body stream handed out: what went to the hub, plus what sat in buffers. */
    static final AtomicLong produced = new AtomicLong();

    static WireMockServer downstream;

    @Inject
    DataSource dataSource;

    @Inject
    RulesInForce repository;

    /** A body of 50 MB made up as it is read, so that the test itself holds none of it. */
    public static class FiftyMegabytes implements ResponseTransformerV2 {

        @Override
        public Response transform(Response response, ServeEvent serveEvent) {
            return Response.Builder.like(response).but()
                    .body(() -> forJournal() ? InputStream.nullInputStream() : new MadeUpBody()).build();
        }

        /**
         * WireMock also reads each body whole for its request journal (even a disabled one); that
         * copy never reaches the hub, and would cost this JVM, the hub's, 50 MB: it gets nothing.
         */
        private static boolean forJournal() {
            return StackWalker.getInstance().walk(frames -> frames.anyMatch(
                    frame -> frame.getClassName().endsWith(".LoggedResponse")));
        }

        @Override
        public boolean applyGlobally() {
            return false;
        }

        @Override
        public String getName() {
            return "fifty-megabytes";
        }
    }

    /** 50 MB of 'x', counted as they are read. */
    static class MadeUpBody extends InputStream {

        private long left = FIFTY_MB;

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0];
        }

        @Override
        public int read(byte[] into, int offset, int length) {
            if (left == 0) {
                return -1;
            }
            int n = (int) Math.min(length, left);
            Arrays.fill(into, offset, offset + n, (byte) 'x');
            left -= n;
            produced.addAndGet(n);
            return n;
        }
    }

    @BeforeAll
    static void startDownstream() {
        downstream = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort()
                .extensions(new FiftyMegabytes()).disableRequestJournal());
        downstream.start();
        downstream.stubFor(post("/huge").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/plain").withTransformers("fifty-megabytes")));
        downstream.stubFor(post("/huge-error").willReturn(aResponse().withStatus(502)
                .withHeader("Content-Type", "text/plain").withTransformers("fifty-megabytes")));
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
        Workspace.bindPort("huge-answer", Map.of("connector", "http", "url", base + "/huge"));
        Workspace.bindPort("huge-error", Map.of("connector", "http", "url", base + "/huge-error",
                "retry.max-attempts", "1"));
        Workspace.bindPort("binary-answer", Map.of("connector", "http", "url", base + "/binary"));
        Workspace.bindPort("binary-error", Map.of("connector", "http", "url", base + "/binary-error"));
        Workspace.writeRule("large-responses.yaml", """
                rules:
                  - id: huge-answer
                    on: huge.answer
                    actions: [{id: call, port: huge-answer}]
                  - id: huge-error
                    on: huge.error
                    actions: [{id: call, port: huge-error}]
                  - id: binary-answer
                    on: binary.answer
                    actions: [{id: call, port: binary-answer}]
                  - id: binary-error
                    on: binary.error
                    actions: [{id: call, port: binary-error}]
                """);
        assertEquals(List.of(), repository.reload());
    }

    String attempt(UUID run, String column) {
        return HubState.text(dataSource, "select " + column + "::text from action_attempt where run_id = ? and attempt = 1",
                run);
    }

    void callAndExpect(String type, RunState outcome, String status) {
        produced.set(0);
        UUID event = Events.post(type, "");
        Events.awaitRuns(dataSource, event, Duration.ofSeconds(30), RunState.SUCCEEDED, RunState.DEAD);
        UUID run = Events.runOf(dataSource, event);
        assertEquals(outcome.name(), HubState.text(dataSource, "select state from action_run where id = ?", run),
                HubState.text(dataSource, "select last_error from action_run where id = ?", run));
        assertEquals(status, attempt(run, "downstream_status"));
        String excerpt = attempt(run, "response_excerpt");
        assertEquals(Excerpts.MAX + 1, excerpt.length());
        assertTrue(excerpt.startsWith("xxxx") && excerpt.endsWith("…"));
        // The hub hung up after its bounded read: the rest was never sent, so never buffered. What
        // was produced is the read plus the socket and server buffers between them.
        assertTrue(produced.get() < FIFTY_MB / 5, produced.get() + " bytes produced of " + FIFTY_MB);
    }

    @Test
    void aFiftyMegabyteAnswerIsReadUpToItsBoundAndKeptAsAnExcerpt() {
        callAndExpect("huge.answer", RunState.SUCCEEDED, "200");
    }

    @Test
    void aFiftyMegabyteErrorIsReadUpToItsBoundAndKeptAsAnExcerpt() {
        callAndExpect("huge.error", RunState.DEAD, "502");
    }

    /** Called once: the outcome was kept, so no claim called downstream again (one attempt row). */
    private UUID calledOnce(String type, RunState outcome) throws InterruptedException {
        UUID event = Events.post(type, "");
        Events.awaitRuns(dataSource, event, Duration.ofSeconds(30), outcome);
        UUID run = Events.runOf(dataSource, event);
        Thread.sleep(1_000); // a second attempt would follow at once if the outcome had not been kept
        assertEquals(1, HubState.count(dataSource, "select count(*) from action_attempt where run_id = ?", run));
        return run;
    }

    @Test
    void aBinaryAnswerIsKeptWithItsNulsReplacedAndCalledOnce() throws InterruptedException {
        UUID run = calledOnce("binary.answer", RunState.SUCCEEDED);
        assertEquals("200", attempt(run, "downstream_status"));
        String excerpt = attempt(run, "response_excerpt");
        assertTrue(excerpt.startsWith("%PDF\uFFFD\uFFFD") && excerpt.endsWith("ok\uFFFD"), excerpt);
    }

    @Test
    void aBinaryRefusalMakesARunDeadWithItsReasonAndIsCalledOnce() throws InterruptedException {
        UUID run = calledOnce("binary.error", RunState.DEAD);
        assertEquals("400", attempt(run, "downstream_status"));
        assertTrue(attempt(run, "response_excerpt").startsWith("%PDF\uFFFD"));
        String reason = HubState.text(dataSource, "select last_error from action_run where id = ?", run);
        assertTrue(reason.contains("400"), reason);
    }
}
