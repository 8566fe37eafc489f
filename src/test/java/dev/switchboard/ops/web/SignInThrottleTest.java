package dev.switchboard.ops.web;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;

import dev.switchboard.support.HubTestProfile;

/**
 * Guessing passwords, through the login form and HTTP Basic: after ten failures a client is refused
 * (429 with Retry-After) whatever it sends, while the right password from another client still
 * signs in; after thirty failures for one user name from many clients, that user is refused from
 * everywhere. Clients are told apart by X-Forwarded-For, which the test hub trusts from localhost.
 */
@QuarkusTest
@TestProfile(HubTestProfile.class)
class SignInThrottleTest {

    static Response formSignIn(String client, String user, String password) {
        return given().auth().none().redirects().follow(false).header("X-Forwarded-For", client)
                .formParam("j_username", user).formParam("j_password", password).post("/j_security_check");
    }

    static Response basic(String client, String user, String password) {
        return given().auth().preemptive().basic(user, password).header("X-Forwarded-For", client)
                .get("/api/runs");
    }

    static void assertThrottled(Response response) {
        response.then().statusCode(429).contentType("application/problem+json")
                .body("type", equalTo("urn:switchboard:problem:too-many-sign-ins"));
        long retryAfter = Long.parseLong(response.header("Retry-After"));
        assertTrue(retryAfter >= 1 && retryAfter <= 330, "Retry-After " + retryAfter);
    }

    @Test
    void tenWrongPasswordsRefuseTheClientButTheRightPasswordFromAnotherClientStillSignsIn() {
        String guesser = "198.51.100.10";
        for (int guess = 0; guess < 5; guess++) {
            // A failed form sign-in goes back to the login page, a failed Basic one is 401.
            assertTrue(formSignIn(guesser, HubTestProfile.VIEWER, "guess-" + guess).header("Location")
                    .contains("/login.html?error"));
            basic(guesser, HubTestProfile.VIEWER, "basic-guess-" + guess).then().statusCode(401);
        }
        assertThrottled(formSignIn(guesser, HubTestProfile.VIEWER, "guess-10"));
        // Refused before the password is looked at: the right one, another user, Basic alike.
        assertThrottled(formSignIn(guesser, HubTestProfile.VIEWER, HubTestProfile.PASSWORD));
        assertThrottled(basic(guesser, HubTestProfile.OPERATOR, HubTestProfile.PASSWORD));

        String owner = "198.51.100.11";
        Response signedIn = formSignIn(owner, HubTestProfile.VIEWER, HubTestProfile.PASSWORD);
        assertEquals(302, signedIn.statusCode());
        assertTrue(signedIn.header("Location").endsWith("/ui"), signedIn.header("Location"));
        basic(owner, HubTestProfile.VIEWER, HubTestProfile.PASSWORD).then().statusCode(200);
    }

    @Test
    void thirtyWrongPasswordsForOneUserFromManyClientsRefuseThatUserOnly() {
        for (int client = 1; client <= 30; client++) {
            basic("203.0.113." + client, HubTestProfile.GUESSED, "guess-" + client).then().statusCode(401);
        }
        assertThrottled(basic("203.0.113.100", HubTestProfile.GUESSED, HubTestProfile.PASSWORD));
        assertThrottled(formSignIn("203.0.113.101", "Test-Guessed", HubTestProfile.PASSWORD));
        // Another user from those same clients is not affected.
        basic("203.0.113.1", HubTestProfile.OPERATOR, HubTestProfile.PASSWORD).then().statusCode(200);
    }
}
