package dev.switchboard.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.switchboard.support.HubProcess;

/**
 * The packaged hub's session key on the embedded default: generated on the first start into
 * data/session.key (mode 600), never written to the log (Quarkus's "temporary key" warning printed
 * it), and used again after a restart, so that a signed-in operator stays signed in.
 */
class SessionKeyIT {

    static final Duration STARTUP = Duration.ofSeconds(90);

    final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aSignedInOperatorStaysSignedInAcrossARestartAndTheKeyIsNeverLogged() throws Exception {
        Path work = Files.createTempDirectory(Path.of("target"), "session-key-");
        int httpPort = HubProcess.freePort();
        Files.writeString(work.resolve("application.properties"), String.join("\n",
                "quarkus.http.port=" + httpPort,
                "switchboard.embedded.broker-port=" + HubProcess.freePort(),
                "switchboard.embedded.amqp-port=" + HubProcess.freePort(),
                "quarkus.security.users.embedded.users.alice=alice-password",
                "quarkus.security.users.embedded.roles.alice=operator", ""));
        Path keyFile = work.resolve("data/session.key");

        String key;
        String session;
        try (HubProcess hub = HubProcess.start(work, httpPort, Map.of()).awaitReady(STARTUP)) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile)));
            key = Files.readString(keyFile).strip();
            session = signIn(hub);
            assertEquals(200, dashboard(hub, session).statusCode());
            assertKeyNotLogged(hub.output(), key);
        }

        try (HubProcess hub = HubProcess.start(work, httpPort, Map.of()).awaitReady(STARTUP)) {
            assertEquals(key, Files.readString(keyFile).strip());
            HttpResponse<String> page = dashboard(hub, session);
            assertEquals(200, page.statusCode(), "still signed in, not sent to " + page.headers().firstValue("Location"));
            assertKeyNotLogged(hub.output(), key);
        }
    }

    static void assertKeyNotLogged(String log, String key) {
        assertFalse(log.contains("Encryption key was not specified"), log);
        assertFalse(log.contains(key), "the session key is in the log");
    }

    /** Signs in through the login form; returns the session cookie ({@code name=value}). */
    String signIn(HubProcess hub) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(hub.baseUrl() + "/j_security_check"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("j_username=alice&j_password=alice-password")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(302, response.statusCode(), response.body());
        return response.headers().allValues("Set-Cookie").stream().filter(cookie -> cookie.startsWith("quarkus-credential="))
                .map(cookie -> cookie.split(";", 2)[0]).findFirst().orElseThrow();
    }

    HttpResponse<String> dashboard(HubProcess hub, String session) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(hub.baseUrl() + "/ui")).header("Cookie", session).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
