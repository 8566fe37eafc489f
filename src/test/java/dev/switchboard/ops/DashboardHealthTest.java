package dev.switchboard.ops;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.switchboard.rules.RulesInForce;
import dev.switchboard.runs.RunState;
import dev.switchboard.support.Events;
import dev.switchboard.support.HubTestProfile;
import dev.switchboard.support.Signing;
import dev.switchboard.support.Workspace;

/**
 * The overview's source and connector health, read as a signed-in viewer: every configured source
 * and bound port shows, with "never" when nothing happened, a source's refused deliveries as its
 * error rate, and a port's last success or last failure with the downstream's error.
 */
@QuarkusTest
@TestProfile(HubTestProfile.class)
class DashboardHealthTest {

    static final Pattern TIME = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d");

    @RegisterExtension
    static final WireMockExtension DOWNSTREAM = WireMockExtension.newInstance()
            .options(options().bindAddress("127.0.0.1").dynamicPort()).build();

    @Inject
    DataSource dataSource;

    @Inject
    RulesInForce repository;

    @Test
    void everySourceAndPortWithItsRecentErrorsAndLastSuccess() {
        DOWNSTREAM.stubFor(post("/ok").willReturn(aResponse().withStatus(201)));
        DOWNSTREAM.stubFor(post("/broken").willReturn(aResponse().withStatus(400).withBody("warehouse offline")));
        String url = "http://127.0.0.1:" + DOWNSTREAM.getPort();
        Workspace.bindPort("health-ok", Map.of("connector", "http", "url", url + "/ok"));
        Workspace.bindPort("health-broken", Map.of("connector", "http", "url", url + "/broken"));
        Workspace.bindPort("health-unused", Map.of("connector", "log"));
        Workspace.writeRule("dashboard-health.yaml", """
                rules:
                  - id: health-rule
                    on: health.order
                    actions:
                      - {id: ok, port: health-ok, body: '{}'}
                      - {id: broken, port: health-broken, body: '{}'}
                """);
        assertEquals(List.of(), repository.reload());
        UUID event = Events.post("health.order", "");
        Events.awaitRuns(dataSource, event, Duration.ofSeconds(20), RunState.SUCCEEDED, RunState.DEAD);

        String body = "{\"n\": " + System.nanoTime() + "}";
        given().contentType("application/json").header("X-Signature", Signing.hmacHex(HubTestProfile.HEALTH_SECRET, body))
                .body(body).post("/hooks/health-signed").then().statusCode(202);
        given().contentType("application/json").header("X-Signature", Signing.hmacHex("not the secret", body))
                .body(body).post("/hooks/health-signed").then().statusCode(401);

        String page = given().auth().none().cookie("quarkus-credential", DashboardRolesTest.signIn(HubTestProfile.VIEWER))
                .get("/ui").then().statusCode(200).extract().asString();

        String idle = row(page, "source-health-idle");
        assertEquals("never received anything", cell(idle, "last-accepted"));
        assertEquals("0%", cell(idle, "error-rate"));
        String signed = row(page, "source-health-signed");
        assertEquals("50%", cell(signed, "error-rate"), "one refused of two deliveries: " + signed);
        assertTrue(TIME.matcher(cell(signed, "last-accepted")).find(), signed);

        String ok = row(page, "port-health-ok");
        assertTrue(ok.contains(">http<"), ok);
        assertEquals("0%", cell(ok, "failure-rate"));
        assertTrue(TIME.matcher(cell(ok, "last-success")).find(), ok);
        assertEquals("none", cell(ok, "last-failure"));
        String broken = row(page, "port-health-broken");
        assertEquals("100%", cell(broken, "failure-rate"));
        assertEquals("never", cell(broken, "last-success"));
        assertTrue(TIME.matcher(cell(broken, "last-failure")).find(), broken);
        assertTrue(cell(broken, "last-failure").contains("HTTP 400 from " + url + "/broken"), broken);
        String unused = row(page, "port-health-unused");
        assertTrue(unused.contains(">log<"), unused);
        assertEquals("never called", cell(unused, "last-success"));
    }

    static String row(String page, String id) {
        Matcher row = Pattern.compile("<tr id=\"" + id + "\"[^>]*>(.*?)</tr>", Pattern.DOTALL).matcher(page);
        assertTrue(row.find(), "no row " + id + " in " + page);
        return row.group(1);
    }

    /** A cell's text, tags removed and spaces collapsed. */
    static String cell(String row, String cssClass) {
        Matcher cell = Pattern.compile("<td[^>]*class=\"" + cssClass + "\"[^>]*>(.*?)</td>", Pattern.DOTALL).matcher(row);
        assertTrue(cell.find(), "no cell " + cssClass + " in " + row);
        return cell.group(1).replaceAll("<[^>]+>", " ").replaceAll("\\s+", " ").strip();
    }
}
