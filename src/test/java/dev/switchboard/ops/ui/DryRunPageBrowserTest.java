package dev.switchboard.ops.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
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
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.switchboard.rules.RuleRepository;
import dev.switchboard.support.Chromium;
import dev.switchboard.support.Events;
import dev.switchboard.support.HubTestProfile;
import dev.switchboard.support.Workspace;

/** An operator asks why a recorded event did not fire a rule: from its page to the dry run, in Chromium. */
@QuarkusTest
@TestProfile(HubTestProfile.class)
class DryRunPageBrowserTest {

    static final String RULES = "dry-run-page.yaml";

    @TestHTTPResource("/")
    URL base;

    @Inject
    DataSource dataSource;

    @Inject
    RuleRepository repository;

    WebDriver browser;
    String type;

    @BeforeEach
    void setUp() {
        browser = Chromium.start();
        type = "dry-run-page." + UUID.randomUUID();
        Workspace.bindPort("dry-run-page-log", Map.of("connector", "log"));
        Workspace.writeRule(RULES, """
                rules:
                  - id: dry-run-page-big
                    on: %1$s
                    when: "jsonpath:$.data[?(@.total > 100)]"
                    actions: [{id: note, port: dry-run-page-log, body: '{"big": {{data.total}}}'}]
                  - id: dry-run-page-vip
                    on: %1$s
                    when: "jq:.data.vip == true"
                    actions: [{id: note, port: dry-run-page-log, body: '{}'}]
                """.formatted(type));
        assertEquals(List.of(), repository.reload());
    }

    @AfterEach
    void tearDown() {
        if (browser != null) {
            browser.quit();
        }
        Workspace.deleteRule(RULES);
        assertEquals(List.of(), repository.reload());
    }

    @Test
    void anOperatorDryRunsARecordedEventAndReadsWhyARuleStayedSilent() {
        UUID event = Events.post(type, "\"total\":250");
        Events.awaitOutcome(dataSource, event);

        Chromium.signIn(browser, base + "ui/events/" + event, HubTestProfile.OPERATOR, HubTestProfile.PASSWORD);
        WebDriverWait waiting = new WebDriverWait(browser, Duration.ofSeconds(15));
        waiting.until(ExpectedConditions.elementToBeClickable(By.id("dry-run-this"))).click();
        waiting.until(ExpectedConditions.presenceOfElementLocated(By.id("dry-run-event")));
        String prefilled = browser.findElement(By.id("dry-run-event")).getAttribute("value");
        assertTrue(prefilled.contains(type) && prefilled.contains("250"), prefilled);
        browser.findElement(By.id("start-dry-run")).click();
        waiting.until(ExpectedConditions.presenceOfElementLocated(By.id("dry-run-rules")));

        String table = browser.findElement(By.id("dry-run-rules")).getText();
        assertTrue(table.contains("dry-run-page-big"), table);
        assertTrue(table.contains("fires"), table);
        assertTrue(table.contains("condition false jq:.data.vip == true is false: data.vip is absent"), table);
        assertTrue(browser.findElement(By.id("actions-dry-run-page-big")).getText().contains("{\"big\": 250}"),
                "the action's rendered body is shown");
        Chromium.screenshot(browser, "dry-run");

        browser.manage().window().setSize(new Dimension(390, 844));
        Chromium.screenshot(browser, "dry-run-phone");
        Number wide = (Number) ((JavascriptExecutor) browser)
                .executeScript("return document.documentElement.scrollWidth - window.innerWidth");
        assertTrue(wide.longValue() <= 0, "the page is " + wide + " px wider than a phone");
    }

    @Test
    void aViewerSeesNoFormAndCannotPostOne() {
        Chromium.signIn(browser, base + "ui/dry-run", HubTestProfile.VIEWER, HubTestProfile.PASSWORD);
        new WebDriverWait(browser, Duration.ofSeconds(15)).until(ExpectedConditions.titleContains("Dry run"));
        assertTrue(browser.findElements(By.id("dry-run-form")).isEmpty(), "a viewer is offered no form");
        assertTrue(browser.getPageSource().contains("needs the operator role"));
    }
}
