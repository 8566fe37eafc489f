package dev.switchboard.ops;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.switchboard.rules.RulesInForce;
import dev.switchboard.runs.RunState;
import dev.switchboard.support.Events;
import dev.switchboard.support.BrowserTest;
import dev.switchboard.support.Chromium;
import dev.switchboard.support.HubState;
import dev.switchboard.support.HubTestProfile;
import dev.switchboard.support.Workspace;

/**
 * The dashboard in a real headless Chromium (Debian's chromium and chromium-driver, installed by
 * .ci/run): sign in, find an event whose action failed against a local sink, read the downstream
 * error, replay the run from the dead-letter page and see it succeed on the event's page, which
 * refreshes by itself; the overview's charts are drawn; discard every dead run at once.
 * Overview and events fit the window at 1280x800 and at phone width (390x844). Screenshots of
 * each page go to target/screenshots/. Without Chromium the test is skipped,
 * unless SWITCHBOARD_REQUIRE_BROWSER=true (as in CI), where it fails.
 */
@QuarkusTest
@TestProfile(HubTestProfile.class)
class DashboardBrowserTest extends BrowserTest {

    static WireMockServer crm;


    @BeforeAll
    static void startCrm() {
        crm = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        crm.start();
    }

    @AfterAll
    static void stopCrm() {
        crm.stop();
    }

    void screenshot(String name) {
        Chromium.screenshot(browser, name);
    }

    Object javascript(String script) {
        return ((JavascriptExecutor) browser).executeScript(script);
    }

    /** Per chart on the page (by source or port name, or by canvas id): the sum of all its bars. */
    @SuppressWarnings("unchecked")
    Map<String, Number> chartTotals() {
        return (Map<String, Number>) javascript("""
                const totals = {};
                document.querySelectorAll('canvas').forEach(canvas => {
                  totals[canvas.dataset.label || canvas.id] = Chart.getChart(canvas).data.datasets
                      .flatMap(set => set.data).reduce((sum, value) => sum + value, 0);
                });
                return totals;""");
    }

    String deadRunOf(UUID event) {
        Events.awaitRuns(dataSource, event, Duration.ofSeconds(20), RunState.DEAD);
        return HubState.text(dataSource, "select id::text from action_run where event_id = ?", event);
    }

    WebDriverWait waiting() {
        return new WebDriverWait(browser, Duration.ofSeconds(15));
    }

    @Test
    void findAFailedActionReadItsErrorReplayItAndSeeItSucceed() throws IOException {
        crm.stubFor(post("/contacts").willReturn(aResponse().withStatus(400)
                .withBody("{\"error\": \"customer unknown to the CRM\"}")));
        Workspace.bindPort("ui-crm", Map.of("connector", "http", "url", "http://127.0.0.1:" + crm.port() + "/contacts"));
        Workspace.writeRule("dashboard.yaml", """
                rules:
                  - id: dashboard-orders
                    on: dashboard.order
                    actions: [{id: upsert, port: ui-crm, body: '{"order": "{{data.id}}"}'}]
                  - id: dashboard-lost
                    on: dashboard.lost
                    actions: [{id: send, port: ui-crm, body: '{{data.missing}}'}]
                """);
        assertEquals(List.of(), repository.reload());
        String marker = "dash-" + UUID.randomUUID();
        UUID event = Events.post("dashboard.order", "\"note\": \"" + marker + "\"");
        String run = deadRunOf(event);
        String lost = deadRunOf(Events.post("dashboard.lost", "")); // its body cannot be rendered

        // Sign in.
        Chromium.signIn(browser, base + "ui", HubTestProfile.OPERATOR, HubTestProfile.PASSWORD);
        waiting().until(ExpectedConditions.titleContains("Overview"));
        assertTrue(Integer.parseInt(browser.findElement(By.id("dead-count")).getText()) >= 1);
        Map<String, Number> charted = chartTotals();
        assertTrue(charted.getOrDefault("activity", 0).longValue() > 0, charted::toString);
        assertTrue(charted.getOrDefault("events", 0).longValue() > 0, "a chart for the source 'events': " + charted);
        assertTrue(charted.getOrDefault("ui-crm", 0).longValue() > 0, "a chart for the port 'ui-crm': " + charted);
        screenshot("overview");
        assertFitsTheWindow();
        shootTheHealthTables("overview-health");

        // Find the event and read the downstream's error.
        browser.get(base + "ui/events?q=" + marker);
        screenshot("events");
        assertFitsTheWindow();
        // Its rules did their part (PROCESSED), but its action died: the list says so.
        String row = browser.findElement(By.cssSelector("#events tr:nth-child(2)")).getText();
        assertTrue(row.contains("PROCESSED · 1 dead run(s)"), row);
        browser.findElement(By.cssSelector("#events a")).click();
        waiting().until(ExpectedConditions.titleContains("Event"));
        assertTrue(browser.findElement(By.id("event-state")).getText().contains("1 dead run(s)"));
        String page = browser.findElement(By.id("run-" + run)).getText();
        assertTrue(page.contains("DEAD"), page);
        assertTrue(page.contains("400"), page);
        assertTrue(page.contains("customer unknown to the CRM"), page);
        screenshot("event-failed");

        // The CRM is fixed; replay from the dead-letter page in another tab, confirming.
        javascript("window.neverReloaded = true");
        String eventTab = browser.getWindowHandle();
        crm.stubFor(post("/contacts").willReturn(aResponse().withStatus(201).withBody("{\"id\": 7}")));
        browser.switchTo().newWindow(WindowType.TAB).get(base + "ui/dead");
        screenshot("dead-letters");
        browser.findElement(By.cssSelector("#dead-" + run + " button.replay")).click();
        waiting().until(ExpectedConditions.alertIsPresent()).accept();
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("message"), "replayed"));

        // The event's page, left open, shows the success by itself, without being reloaded.
        browser.switchTo().window(eventTab);
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("run-" + run), "SUCCEEDED"));
        assertEquals(true, javascript("return window.neverReloaded === true"));
        screenshot("event-replayed");

        // Discard every dead run at once, confirming.
        browser.get(base + "ui/dead");
        browser.findElement(By.id("discard-all")).click();
        waiting().until(ExpectedConditions.alertIsPresent()).accept();
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("message"), "discarded"));
        assertEquals("DISCARDED", HubState.text(dataSource, "select state from action_run where id = ?::uuid", lost));

        browser.get(base + "ui/rules");
        assertTrue(browser.getPageSource().contains("dashboard-orders"));
        screenshot("rules");

        // At phone width the overview and the events still fit, tables stacked; an empty list says why.
        browser.manage().window().setSize(new Dimension(390, 844));
        String[][] pages = {{"ui", "overview-phone"}, {"ui/events", "events-phone"},
                {"ui/events?q=" + UUID.randomUUID(), "events-empty-phone"}};
        for (String[] phonePage : pages) {
            browser.get(base + phonePage[0]);
            screenshot(phonePage[1]);
            assertFitsTheWindow();
        }
        assertEquals("No events match.", browser.findElement(By.cssSelector("p.empty")).getText());
        browser.get(base + "ui");
        shootTheHealthTables("overview-health-phone");
    }

    /** The overview's source and connector health, below the charts. */
    void shootTheHealthTables(String name) throws IOException {
        javascript("document.getElementById('source-health').scrollIntoView()");
        screenshot(name);
    }

    /** Nothing on the current page sticks out to the side: it needs no horizontal scrolling. */
    @SuppressWarnings("unchecked")
    void assertFitsTheWindow() {
        List<Number> widths = (List<Number>) javascript("return [document.documentElement.scrollWidth, window.innerWidth]");
        assertTrue(widths.get(0).longValue() <= widths.get(1).longValue(),
                browser.getCurrentUrl() + " is " + widths.get(0) + " px wide in a window of " + widths.get(1) + " px");
    }
}
