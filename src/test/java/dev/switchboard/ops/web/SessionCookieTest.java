package dev.switchboard.ops.web;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.specification.RequestSpecification;

import dev.switchboard.support.HubTestProfile;

/**
 * The dashboard's session cookie as a real sign-in sets it: out of reach of scripts (HttpOnly),
 * never sent along by another site (SameSite=Strict), and Secure when the hub is reached over TLS,
 * here through a proxy that says so; encrypted with the key kept in the data directory.
 */
@QuarkusTest
@TestProfile(HubTestProfile.class)
class SessionCookieTest {

    static final String COOKIE = "quarkus-credential";

    /** The Set-Cookie header of the session cookie a successful sign-in answers with. */
    static String sessionCookieOf(RequestSpecification request) {
        List<String> cookies = request.auth().none().redirects().follow(false)
                .formParam("j_username", HubTestProfile.OPERATOR).formParam("j_password", HubTestProfile.PASSWORD)
                .post("/j_security_check").then().statusCode(302).extract().headers().getValues("Set-Cookie");
        return cookies.stream().filter(cookie -> cookie.startsWith(COOKIE + "=")).findFirst()
                .orElseThrow(() -> new AssertionError("no session cookie among " + cookies));
    }

    @Test
    void theSessionCookieIsHttpOnlyAndSameSiteStrict() {
        String cookie = sessionCookieOf(given());
        assertTrue(cookie.toLowerCase().contains("; httponly"), cookie);
        assertTrue(cookie.toLowerCase().contains("; samesite=strict"), cookie);
        assertFalse(cookie.toLowerCase().contains("; secure"), "plain HTTP cannot keep a Secure cookie: " + cookie);
    }

    @Test
    void behindAProxyThatSaysTheRequestCameOverTlsTheSessionCookieIsSecure() {
        String cookie = sessionCookieOf(given().header("X-Forwarded-Proto", "https"));
        assertTrue(cookie.toLowerCase().contains("; secure"), cookie);
        assertTrue(cookie.toLowerCase().contains("; httponly"), cookie);
        assertTrue(cookie.toLowerCase().contains("; samesite=strict"), cookie);
    }

    @Test
    void sessionsAreEncryptedWithTheKeyKeptInTheDataDirectoryForItsOwnerOnly() throws IOException {
        Path file = Path.of("target/test-data/session.key");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(Files.readString(file).strip(), ConfigProvider.getConfig()
                .getValue("quarkus.http.auth.session.encryption-key", String.class));
    }
}
