package dev.switchboard.connect;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import javax.sql.DataSource;

import jakarta.inject.Inject;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.Message;
import jakarta.mail.internet.MimeMessage;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.switchboard.connect.http.HttpConnector;
import dev.switchboard.connect.jms.JmsConnector;
import dev.switchboard.core.ActionRequest;
import dev.switchboard.core.ConnectorException;
import dev.switchboard.core.PortSettings;
import dev.switchboard.rules.RulesInForce;
import dev.switchboard.runs.RunState;
import dev.switchboard.support.Events;
import dev.switchboard.support.HubProcess;
import dev.switchboard.support.HubState;
import dev.switchboard.support.HubTestProfile;
import dev.switchboard.support.Workspace;

/**
 * Each built-in connector, and one written against the SPI, reaching a real local system: the
 * http connector's settings and status handling against WireMock.
 */
@QuarkusTest
@TestProfile(HubTestProfile.class)
class ConnectorsTest {

    /** Where the project's file-drop-sink Kamelet writes in these tests. */
    static final Path DROPS = Path.of("target/kamelet-drops");

    static GreenMail smtp;
    static WireMockServer web;

    @Inject
    DataSource dataSource;

    @Inject
    RulesInForce repository;

    @Inject
    ConnectionFactory connectionFactory;

    @Inject
    RecordingConnector recorder;

    @BeforeAll
    static void startServers() {
        smtp = new GreenMail(new ServerSetup(HubProcess.freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        web = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        web.start();
    }

    @AfterAll
    static void stopServers() {
        smtp.stop();
        web.stop();
    }

    @BeforeEach
    void bindings() throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.createStatement().execute("""
                    create table if not exists connector_test_ledger (
                        email text not null, idempotency_key text primary key)""");
        }
        Workspace.bindPort("mailer", Map.of("connector", "mail", "host", "127.0.0.1",
                "port", Integer.toString(smtp.getSmtp().getPort()), "from", "hub@switchboard.test",
                "to", "{{data.email}}", "subject", "Order {{data.id}}"));
        Workspace.bindPort("ledger", Map.of("connector", "sql", "statement", """
                insert into connector_test_ledger (email, idempotency_key) values (:email, :idempotency_key)
                on conflict (idempotency_key) do nothing"""));
        Workspace.bindPort("outbox", Map.of("connector", "jms", "address", "connectors.test.outbox"));
        Workspace.bindPort("catalog", Map.of("connector", "kamelet", "kamelet", "log-sink",
                "properties.loggerName", "switchboard.kamelet.test"));
        Workspace.bindPort("drop", Map.of("connector", "kamelet", "kamelet", "file-drop-sink",
                "properties.directory", DROPS.toString(), "properties.extension", "txt"));
        Workspace.bindPort("broken-drop", Map.of("connector", "kamelet", "kamelet", "file-drop-sink",
                "properties.directory", "pom.xml/not-a-folder"));
        Workspace.bindPort("custom", Map.of("connector", "recorder"));
        String url = "http://127.0.0.1:" + web.port() + "/{{type}}";
        Workspace.bindPort("http-configured", Map.of("connector", "http", "url", url, "method", "put",
                "headers.X-Api-Key", "k-123", "auth", "basic", "username", "ada", "password", "s3cret"));
        Workspace.bindPort("http-two", Map.of("connector", "http", "url", url, "http-version", "2"));
        Workspace.bindPort("http-impatient", Map.of("connector", "http", "url", url, "timeout", "300ms"));
        // The port's own retry settings, over the http connector's default (8 attempts).
        Workspace.bindPort("http-plain", Map.of("connector", "http", "url", url, "retry.max-attempts", "2",
                "retry.initial-delay", "100ms", "retry.max-delay", "200ms"));
        Workspace.writeRule("connectors.yaml", """
                rules:
                  - id: to-mail
                    on: connectors.mail
                    actions: [{id: send, port: mailer, body: 'Thank you for order {{data.id}}.'}]
                  - id: to-sql
                    on: connectors.sql
                    actions: [{id: insert, port: ledger, body: '{"email": "{{data.email}}"}'}]
                  - id: to-jms
                    on: connectors.jms
                    actions: [{id: send, port: outbox, body: '{"order": "{{data.id}}"}'}]
                  - id: to-kamelet
                    on: connectors.kamelet
                    actions: [{id: send, port: catalog, body: '{"order": "{{data.id}}"}'}]
                  - id: to-project-kamelet
                    on: connectors.drop
                    actions: [{id: send, port: drop, body: 'Order {{data.id}} for {{data.email}}'}]
                  - id: to-broken-project-kamelet
                    on: connectors.broken-drop
                    actions:
                      - {id: send, port: broken-drop, body: '{"order": "{{data.id}}"}', retry: {max-attempts: 1}}
                  - id: http-configured
                    on: http.configured.*
                    actions: [{id: call, port: http-configured, body: '{"order": "{{data.id}}"}'}]
                  - id: http-impatient
                    on: http.impatient.*
                    actions:
                      - {id: call, port: http-impatient, retry: {max-attempts: 3, initial-delay: 100ms, max-delay: 200ms}}
                  - id: http-plain
                    on: http.plain.*
                    actions: [{id: call, port: http-plain}]
                  - id: http-two
                    on: http.two.*
                    actions: [{id: call, port: http-two}]
                  - id: to-custom
                    on: connectors.custom
                    actions: [{id: send, port: custom, operation: upsert, body: '{"order": "{{data.id}}"}'}]
                """);
        assertEquals(List.of(), repository.reload());
    }

    UUID deliver(String type, String email) {
        UUID event = Events.post(type, "\"email\": \"" + email + "\"");
        Events.awaitRuns(dataSource, event, Duration.ofSeconds(20), RunState.SUCCEEDED, RunState.DEAD);
        assertEquals("SUCCEEDED", HubState.text(dataSource, "select state from action_run where event_id = ?", event),
                HubState.text(dataSource, "select last_error from action_run where event_id = ?", event));
        return UUID.fromString(HubState.text(dataSource, "select id::text from action_run where event_id = ?", event));
    }

    @Test
    void mailThroughSmtp() throws Exception {
        String email = "ada-" + UUID.randomUUID() + "@example.com";
        deliver("connectors.mail", email);
        MimeMessage mail = null;
        for (MimeMessage message : smtp.getReceivedMessages()) {
            if (GreenMailUtil.getAddressList(message.getAllRecipients()).contains(email)) {
                mail = message;
            }
        }
        assertNotNull(mail, "a mail to " + email);
        assertTrue(mail.getSubject().startsWith("Order "), mail.getSubject());
        assertTrue(GreenMailUtil.getBody(mail).contains("Thank you for order"), GreenMailUtil.getBody(mail));
    }

    @Test
    void sqlStatementWithTheIdempotencyKey() {
        String email = "bob-" + UUID.randomUUID() + "@example.com";
        UUID run = deliver("connectors.sql", email);
        assertEquals(run.toString(), HubState.text(dataSource,
                "select idempotency_key from connector_test_ledger where email = ?", email));
    }

    @Test
    void jmsToAnArtemisQueue() throws Exception {
        UUID run = deliver("connectors.jms", "carol@example.com");
        try (JMSContext context = connectionFactory.createContext();
                JMSConsumer consumer = context.createConsumer(context.createQueue("connectors.test.outbox"),
                        "IdempotencyKey = '" + run + "'")) {
            Message message = consumer.receive(5000);
            assertNotNull(message);
            assertTrue(message.getBody(String.class).startsWith("{\"order\": "));
        }
    }

    @Test
    void aJmsPortCannotSendToTheStreamOrAnyOtherAddressOfTheHubsNorToAWildcardThatReachesThem() {
        for (String address : List.of("switchboard.events", "switchboard.dead", "DLQ", "#", "switchboard.*")) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                    () -> new JmsConnector().validate(new PortSettings("outbox", Map.of("address", address))));
            assertTrue(refused.getMessage().startsWith("address '" + address + "' is "
                    + (address.contains("#") || address.contains("*") ? "a wildcard" : "one of the hub's own addresses")),
                    refused.getMessage());
        }
    }

    @Test
    void kameletFromTheCatalog() {
        List<LogRecord> logged = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                logged.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger logger = Logger.getLogger("switchboard.kamelet.test");
        logger.addHandler(capture);
        try {
            UUID event = Events.post("connectors.kamelet", "\"email\": \"dan@example.com\"");
            Events.awaitRuns(dataSource, event, Duration.ofSeconds(20), RunState.SUCCEEDED);
            String order = HubState.text(dataSource, "select body from action_run where event_id = ?", event);
            // log-sink logged the body under the logger its loggerName property named.
            assertTrue(logged.stream().anyMatch(record -> String.valueOf(record.getMessage()).contains(order)),
                    "log-sink logged " + order);
        } finally {
            logger.removeHandler(capture);
        }
    }

    @Test
    void kameletFromTheProjectFolder() throws Exception {
        UUID run = deliver("connectors.drop", "fay@example.com");
        Path file = DROPS.resolve(run + ".txt");
        assertTrue(Files.exists(file), "the project Kamelet wrote " + file);
        assertTrue(Files.readString(file).endsWith(" for fay@example.com"), Files.readString(file));
    }

    @Test
    void aProjectKameletThatFailsFailsTheRun() {
        UUID event = Events.post("connectors.broken-drop", "\"email\": \"gus@example.com\"");
        Events.awaitRuns(dataSource, event, Duration.ofSeconds(20), RunState.DEAD);
        assertTrue(HubState.text(dataSource, "select last_error from action_run where event_id = ?", event)
                .contains("Kamelet file-drop-sink failed"));
    }

    @Test
    void aConnectorWrittenAgainstTheSpi() {
        UUID run = deliver("connectors.custom", "eve@example.com");
        ActionRequest request = recorder.received().stream()
                .filter(received -> received.idempotencyKey().equals(run.toString())).findFirst().orElseThrow();
        assertEquals("custom", request.port());
        assertEquals("upsert", request.operation().orElseThrow());
        assertTrue(request.body().startsWith("{\"order\": "));
    }

    static String type(String kind) {
        return "http." + kind + "." + UUID.randomUUID();
    }

    String attempt(UUID run, int attempt, String column) {
        return HubState.text(dataSource, "select " + column + "::text from action_attempt where run_id = ? and attempt = ?",
                run, attempt);
    }

    @Test
    void methodHeadersAndBasicAuthAreSent() {
        String type = type("configured");
        String basic = "Basic " + Base64.getEncoder().encodeToString("ada:s3cret".getBytes(StandardCharsets.UTF_8));
        // Only a request with every setting applied matches; anything else is WireMock's 404, a permanent failure.
        web.stubFor(put("/" + type).withHeader("X-Api-Key", equalTo("k-123"))
                .withHeader("Authorization", equalTo(basic))
                .willReturn(aResponse().withStatus(204)));
        UUID event = Events.post(type, "");
        Events.awaitRuns(dataSource, event, Duration.ofSeconds(20), RunState.SUCCEEDED, RunState.DEAD);
        UUID run = Events.runOf(dataSource, event);
        assertEquals("SUCCEEDED", HubState.text(dataSource, "select state from action_run where id = ?", run),
                HubState.text(dataSource, "select last_error from action_run where id = ?", run));
        assertEquals("204", attempt(run, 1, "downstream_status"));
    }

    @Test
    void aTimeoutFailsTheAttemptAndIsRetried() {
        String type = type("impatient");
        String scenario = "slow-" + type;
        web.stubFor(post("/" + type).inScenario(scenario).whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(200).withFixedDelay(2000)).willSetStateTo("fast"));
        web.stubFor(post("/" + type).inScenario(scenario).whenScenarioStateIs("fast")
                .willReturn(aResponse().withStatus(200)));
        UUID event = Events.post(type, "");
        Events.awaitRuns(dataSource, event, Duration.ofSeconds(20), RunState.SUCCEEDED, RunState.DEAD);
        UUID run = Events.runOf(dataSource, event);

        assertEquals("FAILED", attempt(run, 1, "outcome"));
        assertEquals("java.net.http.HttpTimeoutException", attempt(run, 1, "error_class"));
        assertEquals("SUCCEEDED", attempt(run, 2, "outcome"));
    }

    /**
     * The client's own timeout ends with the headers; a body that stalls after them is cut at the
     * port's timeout too, so that no attempt outlives its claim (and is called again meanwhile).
     * The downstream here answers its headers at once, then sends a few bytes of the body and stalls.
     */
    @Test
    void aBodyThatStallsAfterItsHeadersIsCutAtTheTimeout() throws Exception {
        try (ServerSocket stalling = stallingServer(call -> {
            call.getInputStream().read(new byte[8192]);
            call.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nthe start of")
                    .getBytes(StandardCharsets.US_ASCII));
            call.getOutputStream().flush();
        })) {
            Workspace.bindPort("http-stalled", Map.of("connector", "http", "url",
                    "http://127.0.0.1:" + stalling.getLocalPort() + "/", "timeout", "500ms", "retry.max-attempts", "1"));
            Workspace.writeRule("connectors-stalled.yaml", """
                    rules:
                      - id: http-stalled
                        on: http.stalled.*
                        actions: [{id: call, port: http-stalled}]
                    """);
            assertEquals(List.of(), repository.reload());
            UUID event = Events.post(type("stalled"), "");
            Events.awaitRuns(dataSource, event, Duration.ofSeconds(20), RunState.DEAD);
            UUID run = Events.runOf(dataSource, event);

            assertEquals("java.net.http.HttpTimeoutException", attempt(run, 1, "error_class"));
            long took = Long.parseLong(attempt(run, 1, "duration_ms"));
            assertTrue(took < 3_000, "cut after " + took + " ms, not when the downstream gave up (10 s)");
        }
    }

    /** What a stalling server does with a connection before it stalls. */
    interface Opening {
        void on(Socket call) throws Exception;
    }

    /** A server on this machine that does {@code opening} with each connection, then holds it for 10 s. */
    static ServerSocket stallingServer(Opening opening) throws java.io.IOException {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread accepting = new Thread(() -> {
            while (!server.isClosed()) {
                try (Socket call = server.accept()) {
                    opening.on(call);
                    Thread.sleep(10_000);
                } catch (Exception closed) {
                    // the test is over, or the hub hung up
                }
            }
        });
        accepting.setDaemon(true);
        accepting.start();
        return server;
    }

    @Test
    void aMailServerThatNeverGreetsIsCutAtThePortsTimeout() throws Exception {
        // Accepts the connection and never says a word: without a bound, the worker waits for ever.
        try (ServerSocket silent = stallingServer(call -> { })) {
            Workspace.bindPort("mail-silent", Map.of("connector", "mail", "host", "127.0.0.1", "port",
                    Integer.toString(silent.getLocalPort()), "from", "hub@switchboard.test", "to", "ops@switchboard.test",
                    "timeout", "500ms", "retry.max-attempts", "1"));
            Workspace.writeRule("connectors-silent.yaml", """
                    rules:
                      - id: mail-silent
                        on: mail.silent.*
                        actions: [{id: send, port: mail-silent, body: 'hello'}]
                    """);
            assertEquals(List.of(), repository.reload());
            UUID event = Events.post("mail.silent." + UUID.randomUUID(), "");
            Events.awaitRuns(dataSource, event, Duration.ofSeconds(20), RunState.DEAD);
            long took = Long.parseLong(attempt(Events.runOf(dataSource, event), 1, "duration_ms"));
            assertTrue(took < 3_000, "cut after " + took + " ms, not when the server gave up (10 s)");
        }
    }

    @Test
    void statuses408And429AreRetriedOther4xxAreNot() {
        for (int status : new int[] {408, 429}) {
            String type = type("plain");
            String scenario = "status-" + type;
            web.stubFor(post("/" + type).inScenario(scenario).whenScenarioStateIs(Scenario.STARTED)
                    .willReturn(aResponse().withStatus(status)).willSetStateTo("ready"));
            web.stubFor(post("/" + type).inScenario(scenario).whenScenarioStateIs("ready")
                    .willReturn(aResponse().withStatus(200)));
            UUID event = Events.post(type, "");
            Events.awaitRuns(dataSource, event, Duration.ofSeconds(20), RunState.SUCCEEDED, RunState.DEAD);
            UUID run = Events.runOf(dataSource, event);
            assertEquals(Integer.toString(status), attempt(run, 1, "downstream_status"));
            assertEquals("SUCCEEDED", attempt(run, 2, "outcome"), "HTTP " + status + " is retried");
            assertEquals("2", HubState.text(dataSource, "select max_attempts::text from action_run where id = ?", run),
                    "the port's retry.max-attempts");
        }

        String type = type("plain");
        web.stubFor(post("/" + type).willReturn(aResponse().withStatus(403)));
        UUID event = Events.post(type, "");
        Events.awaitRuns(dataSource, event, Duration.ofSeconds(20), RunState.DEAD);
        assertEquals(1, web.findAll(postRequestedFor(urlEqualTo("/" + type))).size(), "HTTP 403 is final");
    }

    @Test
    void theHttpConnectorSpeaksHttp11WithoutAnUpgradeHeaderUnlessThePortAsksFor2() {
        String type = type("plain");
        web.stubFor(post("/" + type).willReturn(aResponse().withStatus(200)));
        deliver(type, "plain@example.com");
        LoggedRequest plain = web.findAll(postRequestedFor(urlEqualTo("/" + type))).get(0);
        assertEquals("HTTP/1.1", plain.getProtocol());
        assertFalse(plain.containsHeader("Upgrade"), plain.getHeaders().toString());
        assertFalse(plain.containsHeader("HTTP2-Settings"), plain.getHeaders().toString());

        String two = type("two");
        web.stubFor(post("/" + two).willReturn(aResponse().withStatus(200)));
        deliver(two, "two@example.com");
        LoggedRequest asked = web.findAll(postRequestedFor(urlEqualTo("/" + two))).get(0);
        assertTrue("HTTP/2.0".equals(asked.getProtocol()) || "h2c".equals(asked.getHeader("Upgrade")),
                asked.getProtocol() + " " + asked.getHeaders());

        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> new HttpConnector().validate(new PortSettings("web", Map.of("url", "http://127.0.0.1/",
                        "http-version", "3"))));
        assertEquals("http-version must be 1.1 or 2, not 3", refused.getMessage());
    }

    @Test
    void theResponseIsKeptAsATruncatedExcerpt() {
        String type = type("plain");
        web.stubFor(post("/" + type).willReturn(aResponse().withStatus(400).withBody("x".repeat(5000))));
        UUID event = Events.post(type, "");
        Events.awaitRuns(dataSource, event, Duration.ofSeconds(20), RunState.DEAD);
        String excerpt = attempt(Events.runOf(dataSource, event), 1, "response_excerpt");
        assertEquals(Excerpts.MAX + 1, excerpt.length());
        assertTrue(excerpt.startsWith("xxx") && excerpt.endsWith("…"), excerpt.substring(excerpt.length() - 10));
        assertEquals("dev.switchboard.core.ConnectorException", attempt(Events.runOf(dataSource, event), 1, "error_class"));
    }
}
