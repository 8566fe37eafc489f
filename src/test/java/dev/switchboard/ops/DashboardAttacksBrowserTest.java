package dev.switchboard.ops;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.switchboard.rules.RulesInForce;
import dev.switchboard.runs.RunState;
import dev.switchboard.support.BrowserTest;
import dev.switchboard.support.Chromium;
import dev.switchboard.support.Events;
import dev.switchboard.support.HubState;
import dev.switchboard.support.HubTestProfile;
import dev.switchboard.support.Workspace;

/**
 * The dashboard attacked in a real headless Chromium, signed in as an operator: a page on another
 * port of the same host (same site, so the SameSite=Strict session cookie goes along) posts a form
 * to discard every dead run, and is refused with nothing discarded; names that close the script
 * tag, shown on every page and charted on the overview, stay text and run nothing.
 */
@QuarkusTest
@TestProfile(HubTestProfile.class)
class DashboardAttacksBrowserTest extends BrowserTest {

    static final String SCRIPT = "</script><script>alert(1)</script>";

    WireMockServer attacker;

    @BeforeEach
    void start() {
        attacker = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        attacker.start();
    }

    @AfterEach
    void stop() {
        if (attacker != null) {
            attacker.stop();
        }
    }

    WebDriverWait waiting() {
        return new WebDriverWait(browser, Duration.ofSeconds(15));
    }

    void signIn() {
        Chromium.signIn(browser, base + "ui", HubTestProfile.OPERATOR, HubTestProfile.PASSWORD);
        waiting().until(ExpectedConditions.titleContains("Overview"));
    }

    String stateOf(String run) {
        return HubState.text(dataSource, "select state from action_run where id = ?::uuid", run);
    }

    @Test
    void aPageOnAnotherPortCannotMakeTheSignedInBrowserDiscardDeadRuns() {
        Workspace.bindPort("attacked-log", Map.of("connector", "log"));
        Workspace.writeRule("attacked.yaml", """
                rules:
                  - id: attacked-rule
                    on: attacked.*
                    actions: [{id: call, port: attacked-log, body: '{{data.missing}}'}]
                """);
        assertEquals(List.of(), repository.reload());
        UUID event = Events.post("attacked.call", "");
        Events.awaitRuns(dataSource, event, Duration.ofSeconds(20), RunState.DEAD);
        String run = HubState.text(dataSource, "select id::text from action_run where event_id = ?", event);
        signIn();

        // The attacker's page, on localhost like the hub but another port, posts as soon as it loads.
        attacker.stubFor(get("/prize").willReturn(aResponse().withHeader("Content-Type", "text/html").withBody(
                "<form id=f method=post action='" + base + "ui/dead/discard-all'></form>"
                        + "<script>document.getElementById('f').submit()</script>")));
        browser.get("http://localhost:" + attacker.port() + "/prize");
        waiting().until(ExpectedConditions.urlContains("/ui/dead/discard-all"));
        waiting().until(driver -> driver.getPageSource().contains("cross-site-request"));
        assertEquals("DEAD", stateOf(run), "nothing discarded");

        // The dashboard's own button still works, confirmed through its data-confirm question.
        browser.get(base + "ui/dead");
        browser.findElement(By.cssSelector("#dead-" + run + " button.discard")).click();
        assertEquals("Discard this run for good?", waiting().until(ExpectedConditions.alertIsPresent()).getText());
        browser.switchTo().alert().accept();
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("message"), "discarded"));
        assertEquals("DISCARDED", stateOf(run));
    }

    @Test
    void namesThatCloseTheScriptTagAreShownAsTextAndRunNothing() {
        Workspace.bindPort(SCRIPT, Map.of("connector", "log"));
        Workspace.writeRule("script-names.yaml", """
                rules:
                  - id: '%1$s'
                    on: '%1$s'
                    actions: [{id: call, port: '%1$s', body: '{"ok": true}'}]
                """.formatted(SCRIPT));
        assertEquals(List.of(), repository.reload());
        UUID event = Events.post(SCRIPT, "");
        Events.awaitRuns(dataSource, event, Duration.ofSeconds(20), RunState.SUCCEEDED);
        try {
            signIn();
            // The overview charts the port: its name reaches the page's script as data, and comes out as text.
            assertNothingRan(4);
            waiting().until(driver -> browser.findElements(By.cssSelector("#by-port figcaption")).stream()
                    .anyMatch(caption -> caption.getText().equals(SCRIPT)));

            browser.get(base + "ui/events?type=" + URLEncoder.encode(SCRIPT, StandardCharsets.UTF_8));
            assertNothingRan(2);
            assertTrue(browser.findElement(By.id("events")).getText().contains(SCRIPT));

            browser.get(base + "ui/events/" + event);
            assertNothingRan(3);
            assertEquals("Event " + SCRIPT, browser.findElement(By.tagName("h1")).getText());

            browser.get(base + "ui/rules");
            assertNothingRan(2);
            assertTrue(browser.findElement(By.tagName("main")).getText().contains("call → " + SCRIPT));
        } finally {
            Workspace.deleteRule("script-names.yaml");
            Workspace.unbindPort(SCRIPT);
            repository.reload();
        }
    }

    /** No alert is open and the page holds only its own script elements (every page has confirm.js and time.js). */
    void assertNothingRan(int scripts) {
        assertThrows(NoAlertPresentException.class, () -> browser.switchTo().alert(), browser.getCurrentUrl());
        assertEquals((long) scripts, ((JavascriptExecutor) browser).executeScript("return document.scripts.length"),
                browser.getCurrentUrl());
    }
}
