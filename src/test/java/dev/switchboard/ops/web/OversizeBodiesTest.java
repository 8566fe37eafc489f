package dev.switchboard.ops.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;

import dev.switchboard.ingest.Problem;
import dev.switchboard.support.HubTestProfile;
import dev.switchboard.support.RawHttp;

/**
 * A body over the HTTP layer's limit (16 MB) sent to the API is refused with a
 * 413 problem document, not Quarkus's empty answer, and its connection is closed rather than read;
 * the sign-in form, read before anyone is known, at 4 KB and only with a declared length.
 */
@QuarkusTest
@TestProfile(HubTestProfile.class)
class OversizeBodiesTest {

    static final String OPERATOR = "Authorization: Basic " + Base64.getEncoder().encodeToString(
            (HubTestProfile.OPERATOR + ":" + HubTestProfile.PASSWORD).getBytes(StandardCharsets.UTF_8));

    @Test
    void anApiBodyDeclaredOverTheLimitIsA413ProblemBeforeItIsSent() throws Exception {
        try (RawHttp hub = RawHttp.open()) {
            RawHttp.Response response = hub.postHead("/api/backtest", OPERATOR, "Content-Type: application/json",
                    "Content-Length: 17000000").read();
            assertTooLarge(response, "declared as 17000000 bytes");
            assertEquals("close", response.header("Connection"));
            assertTrue(hub.closedByHub(), "the hub closes the connection rather than read the body");
        }
    }

    @Test
    void aLoginFormDeclaredOverTheLimitIsA413ProblemBeforeItIsSent() throws Exception {
        try (RawHttp hub = RawHttp.open()) {
            RawHttp.Response response = hub.postHead("/j_security_check",
                    "Content-Type: application/x-www-form-urlencoded", "Content-Length: 17000000").read();
            assertTooLarge(response, "declared as 17000000 bytes");
            assertTrue(hub.closedByHub(), "the hub closes the connection rather than read the body");
        }
    }

    @Test
    void aSignInFormOverFourKilobytesIsRefusedBeforeItIsRead() throws Exception {
        // Read before anyone is known: at the HTTP limit, senders in parallel would fill the heap.
        try (RawHttp hub = RawHttp.open()) {
            RawHttp.Response response = hub.postHead("/j_security_check",
                    "Content-Type: application/x-www-form-urlencoded", "Content-Length: 4097")
                    .write("j_username=".getBytes(StandardCharsets.US_ASCII)).read();
            assertTooLarge(response, "sign-in form is declared as 4097 bytes; the hub reads at most 4096");
            assertTrue(hub.closedByHub(), "the hub closes the connection rather than read the body");
        }
    }

    @Test
    void aSignInFormWithoutADeclaredLengthIsRefusedBeforeItIsRead() throws Exception {
        try (RawHttp hub = RawHttp.open()) {
            RawHttp.Response response = hub.postHead("/j_security_check",
                    "Content-Type: application/x-www-form-urlencoded", "Transfer-Encoding: chunked")
                    .chunk("j_username=".getBytes(StandardCharsets.US_ASCII)).read();
            assertEquals(411, response.status(), response.body());
            assertEquals(Problem.MEDIA_TYPE, response.header("Content-Type"));
            assertEquals("urn:switchboard:problem:length-required", JsonPath.from(response.body()).getString("type"));
            assertTrue(hub.closedByHub(), "the hub closes the connection rather than read the body");
        }
    }

    @Test
    void aSignInFormOfOrdinarySizeSignsIn() throws Exception {
        try (RawHttp hub = RawHttp.open()) {
            byte[] form = ("j_username=" + HubTestProfile.VIEWER + "&j_password=" + HubTestProfile.PASSWORD)
                    .getBytes(StandardCharsets.US_ASCII);
            RawHttp.Response response = hub.postHead("/j_security_check",
                    "Content-Type: application/x-www-form-urlencoded", "Content-Length: " + form.length)
                    .write(form).read();
            assertEquals(302, response.status(), response.body());
            assertTrue(response.header("Location").endsWith("/ui"), response.headers().toString());
            assertTrue(response.header("Set-Cookie").startsWith("quarkus-credential="), response.headers().toString());
        }
    }

    @Test
    void aBodyWithinTheLimitIsNotRefused() throws Exception {
        try (RawHttp hub = RawHttp.open()) {
            byte[] body = "{\"folder\":".getBytes(StandardCharsets.US_ASCII);
            RawHttp.Response response = hub.postHead("/api/backtest", OPERATOR, "Content-Type: application/json",
                    "Content-Length: " + body.length).write(body).read();
            assertEquals(400, response.status(), response.body());
            assertEquals("urn:switchboard:problem:malformed-json", JsonPath.from(response.body()).getString("type"));
        }
    }

    private static void assertTooLarge(RawHttp.Response response, String detail) {
        assertEquals(413, response.status(), response.body());
        assertEquals(Problem.MEDIA_TYPE, response.header("Content-Type"));
        JsonPath problem = JsonPath.from(response.body());
        assertEquals("urn:switchboard:problem:body-too-large", problem.getString("type"));
        assertTrue(problem.getString("detail").contains(detail), response.body());
    }
}
