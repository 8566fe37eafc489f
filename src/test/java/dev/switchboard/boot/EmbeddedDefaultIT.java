package dev.switchboard.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;

import dev.switchboard.support.HubProcess;
import dev.switchboard.support.Signing;

/**
 * The packaged hub on the embedded default, run as a user runs it: it says where its data lives,
 * keeps accepted events, the broker's messages and signed-in operators across a restart, takes
 * secrets from the environment over the file, and refuses to start with a signed source that has no
 * secret. Its session key is generated on the first start into data/session.key (mode 600), never
 * written to the log (Quarkus's "temporary key" warning printed it), and used again after a
 * restart, so that a signed-in operator stays signed in.
 */
class EmbeddedDefaultIT {

    static final Duration STARTUP = Duration.ofSeconds(90);
    static final String PARKED = "it.parked";

    final HttpClient http = HttpClient.newHttpClient();

    @Test
    void acceptedEventsParkedMessagesAndSignInsSurviveARestart() throws Exception {
        Path work = Files.createTempDirectory(Path.of("target"), "embedded-default-");
        int httpPort = HubProcess.freePort();
        int postgresPort = HubProcess.freePort();
        int brokerPort = HubProcess.freePort();
        Files.writeString(work.resolve("application.properties"), String.join("\n",
                "quarkus.http.port=" + httpPort,
                "switchboard.embedded.broker-port=" + brokerPort,
                "switchboard.embedded.amqp-port=" + HubProcess.freePort(),
                "switchboard.embedded.postgres-port=" + postgresPort,
                "switchboard.sources.orders.kind=webhook",
                "switchboard.sources.orders.signature=hmac-sha256",
                "switchboard.sources.orders.secret=secret-in-the-file",
                "switchboard.sources.orders.event-id=jsonpath:$.id",
                "switchboard.sources.orders.event-type=jsonpath:$.type",
                "quarkus.security.users.embedded.users.alice=alice-password",
                "quarkus.security.users.embedded.roles.alice=operator", ""));
        Map<String, String> environment = Map.of("SWITCHBOARD_SOURCES_ORDERS_SECRET", "secret-in-the-environment");
        String deliveryId = UUID.randomUUID().toString();
        String body = "{\"id\":\"" + deliveryId + "\",\"type\":\"shop.order.created\"}";
        String jdbcUrl = "jdbc:postgresql://localhost:" + postgresPort + "/postgres";

        Path keyFile = work.resolve("data/session.key");

        String eventId;
        String key;
        String session;
        try (HubProcess hub = HubProcess.start(work, httpPort, environment).awaitReady(STARTUP)) {
            assertTrue(hub.output().contains("Database: embedded PostgreSQL on port " + postgresPort
                    + ", data in " + work.toAbsolutePath().resolve("data/postgres")), hub.output());
            assertTrue(hub.output().contains("Broker: embedded Artemis at tcp://127.0.0.1:" + brokerPort), hub.output());
            assertTrue(hub.output().contains("journal in " + work.toAbsolutePath().resolve("data/artemis")),
                    hub.output());

            assertEquals(401, post(hub, body, "secret-in-the-file").statusCode(), "the environment overrides the file");
            HttpResponse<String> accepted = post(hub, body, "secret-in-the-environment");
            assertEquals(202, accepted.statusCode(), accepted.body());
            eventId = accepted.body().replaceAll(".*\"event\":\"([^\"]+)\".*", "$1");
            awaitState(jdbcUrl, password(work), eventId, "IGNORED"); // consumed; no rules in this folder
            park(brokerPort, brokerPassword(work), "kept across the restart");

            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile)));
            key = Files.readString(keyFile).strip();
            session = signIn(hub);
            assertEquals(200, dashboard(hub, session).statusCode());
            assertKeyNotLogged(hub.output(), key);
        }

        try (HubProcess hub = HubProcess.start(work, httpPort, environment).awaitReady(STARTUP)) {
            HttpResponse<String> again = post(hub, body, "secret-in-the-environment");
            assertEquals(200, again.statusCode(), again.body());
            assertTrue(again.body().contains("\"event\":\"" + eventId + "\""), again.body());
            assertEquals("IGNORED", state(jdbcUrl, password(work), eventId));
            assertEquals("kept across the restart", unpark(brokerPort, brokerPassword(work)), "the broker's journal survives a restart");

            assertEquals(key, Files.readString(keyFile).strip());
            HttpResponse<String> page = dashboard(hub, session);
            assertEquals(200, page.statusCode(), "still signed in, not sent to " + page.headers().firstValue("Location"));
            assertKeyNotLogged(hub.output(), key);
        }
    }

    @Test
    void aSignedSourceWithoutSecretStopsStartup() throws Exception {
        Path work = Files.createTempDirectory(Path.of("target"), "missing-secret-");
        int httpPort = HubProcess.freePort();
        Files.writeString(work.resolve("application.properties"), String.join("\n",
                "quarkus.http.port=" + httpPort,
                "switchboard.embedded.broker-port=" + HubProcess.freePort(),
                "switchboard.embedded.amqp-port=" + HubProcess.freePort(),
                "switchboard.sources.gh.kind=webhook",
                "switchboard.sources.gh.signature=github", ""));
        try (HubProcess hub = HubProcess.start(work, httpPort, Map.of())) {
            assertNotEquals(0, hub.awaitExit(STARTUP));
            assertTrue(hub.output().contains("Source 'gh': signature github needs a secret: set "
                    + "switchboard.sources.gh.secret"), hub.output());
        }
    }

    private HttpResponse<String> post(HubProcess hub, String body, String secret) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(hub.baseUrl() + "/hooks/orders"))
                .header("Content-Type", "application/json")
                .header("X-Signature", Signing.hmacHex(secret, body))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertKeyNotLogged(String log, String key) {
        assertFalse(log.contains("Encryption key was not specified"), log);
        assertFalse(log.contains(key), "the session key is in the log");
    }

    /** Signs in through the login form; returns the session cookie ({@code name=value}). */
    private String signIn(HubProcess hub) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(hub.baseUrl() + "/j_security_check"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("j_username=alice&j_password=alice-password")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(302, response.statusCode(), response.body());
        return response.headers().allValues("Set-Cookie").stream().filter(cookie -> cookie.startsWith("quarkus-credential="))
                .map(cookie -> cookie.split(";", 2)[0]).findFirst().orElseThrow();
    }

    private HttpResponse<String> dashboard(HubProcess hub, String session) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(hub.baseUrl() + "/ui")).header("Cookie", session).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** A persistent message on a queue the hub does not consume, so only the journal can keep it. */
    private static void park(int brokerPort, String password, String text) throws Exception {
        try (JMSContext context = new ActiveMQConnectionFactory("tcp://127.0.0.1:" + brokerPort,
                EmbeddedBroker.HUB_USER, password).createContext()) {
            context.createProducer().setDeliveryMode(DeliveryMode.PERSISTENT)
                    .send(context.createQueue(PARKED), text);
        }
    }

    private static String unpark(int brokerPort, String password) throws Exception {
        try (JMSContext context = new ActiveMQConnectionFactory("tcp://127.0.0.1:" + brokerPort,
                EmbeddedBroker.HUB_USER, password).createContext();
                JMSConsumer consumer = context.createConsumer(context.createQueue(PARKED))) {
            return consumer.receiveBody(String.class, 10_000);
        }
    }

    /** The embedded broker's password for the hub, generated on the first start and kept beside its journal. */
    private static String brokerPassword(Path work) throws Exception {
        return Files.readString(work.resolve("data/artemis.password")).strip();
    }

    /** The embedded database's password, generated on the first start and kept beside its data. */
    private static String password(Path work) throws Exception {
        return Files.readString(work.resolve("data/postgres.password")).strip();
    }

    private static void awaitState(String jdbcUrl, String password, String eventId, String expected) throws Exception {
        for (int i = 0; i < 100 && !expected.equals(state(jdbcUrl, password, eventId)); i++) {
            Thread.sleep(200);
        }
        assertEquals(expected, state(jdbcUrl, password, eventId));
    }

    private static String state(String jdbcUrl, String password, String eventId) throws Exception {
        try (Connection connection = DriverManager.getConnection(jdbcUrl, "postgres", password);
                PreparedStatement statement = connection.prepareStatement("select state from event where id = ?")) {
            statement.setObject(1, UUID.fromString(eventId));
            try (ResultSet result = statement.executeQuery()) {
                return result.next() ? result.getString(1) : null;
            }
        }
    }
}
