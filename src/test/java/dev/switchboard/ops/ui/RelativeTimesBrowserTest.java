package dev.switchboard.ops.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.time.Duration;
import java.time.Year;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.switchboard.rules.RuleRepository;
import dev.switchboard.runs.RunState;
import dev.switchboard.support.Chromium;
import dev.switchboard.support.Events;
import dev.switchboard.support.HubTestProfile;
import dev.switchboard.support.Workspace;

/** Times read "3 min ago" with the exact local time on hover, and table headers do not wrap at 1280 px. */
@QuarkusTest
@TestProfile(HubTestProfile.class)
class RelativeTimesBrowserTest {

    @TestHTTPResource("/")
    URL base;

    @Inject
    DataSource dataSource;

    @Inject
    RuleRepository repository;

    static final String RULES = "relative-times.yaml";

    WebDriver browser;

    @AfterEach
    void tearDown() {
        if (browser != null) {
            browser.quit();
        }
        Workspace.deleteRule(RULES);
        assertEquals(List.of(), repository.reload());
    }

    @Test
    void anEventsTimeReadsAsHowLongAgoWithTheExactTimeOnHover() {
        browser = Chromium.start();
        // A call that fails at once, so that the page has an attempts table with a long error in it.
        Workspace.bindPort("relative-times-down", Map.of("connector", "http",
                "url", "http://127.0.0.1:9/a/long/path/that/makes/the/error/message/long/enough/to/squeeze/the/table",
                "retry.max-attempts", "1"));
        Workspace.writeRule(RULES, """
                rules:
                  - id: relative-times
                    on: relative-times.*
                    actions: [{id: call, port: relative-times-down, body: '{"n": 1}'}]
                """);
        assertEquals(List.of(), repository.reload());
        UUID event = Events.post("relative-times." + UUID.randomUUID(), "");
        Events.awaitRuns(dataSource, event, Duration.ofSeconds(30), RunState.DEAD);
        Chromium.signIn(browser, base + "ui/events/" + event, HubTestProfile.VIEWER, HubTestProfile.PASSWORD);
        WebElement received = new WebDriverWait(browser, Duration.ofSeconds(15)).until(found -> {
            List<WebElement> times = found.findElements(By.cssSelector("dd time"));
            return times.isEmpty() || !times.get(0).getText().contains("ago") && !times.get(0).getText().contains("now")
                    ? null : times.get(0);
        });
        assertTrue(received.getText().matches("now|\\d+ (sec|min)\\.? ago"), received.getText());
        assertTrue(received.getAttribute("title").contains(String.valueOf(Year.now().getValue())),
                "the exact time on hover: " + received.getAttribute("title"));
        assertTrue(received.getAttribute("datetime").startsWith(String.valueOf(Year.now().getValue())));

        // Every header of the page's tables on one line (the attempts table once read "Duratio / n").
        Number wrapped = (Number) ((JavascriptExecutor) browser).executeScript("""
                return [...document.querySelectorAll('th')].filter(th => {
                  const style = getComputedStyle(th);
                  const text = th.clientHeight - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom);
                  return th.getClientRects().length > 0 && text > parseFloat(style.fontSize) * 1.6;
                }).length""");
        assertEquals(0L, wrapped.longValue(), "table headers wrapped at 1280 px");
        assertTrue(browser.findElements(By.cssSelector("section.run th")).size() >= 7, "the attempts table is shown");
    }
}
