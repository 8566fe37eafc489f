package dev.switchboard.backtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import io.quarkus.test.common.http.TestHTTPResource;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.switchboard.rules.RulesInForce;
import dev.switchboard.support.BrowserTest;
import dev.switchboard.support.Chromium;
import dev.switchboard.support.Events;
import dev.switchboard.support.HubTestProfile;
import dev.switchboard.support.Workspace;

/** An operator tries a rule change from the rules page and reads what it would do, in Chromium. */
@QuarkusTest
@TestProfile(HubTestProfile.class)
class BacktestPageBrowserTest extends BrowserTest {

    String type;

    @BeforeEach
    void setUp() throws IOException {
        type = "backtest-page." + UUID.randomUUID();
        Workspace.bindPort(BacktestTest.PORT, Map.of("connector", "log"));
        Workspace.writeRule(BacktestTest.RULES, BacktestTest.LOADED.formatted(type, BacktestTest.PORT));
        assertEquals(List.of(), repository.reload());
    }

    @AfterEach
    void tearDown() {
        Workspace.deleteRule(BacktestTest.RULES);
        assertEquals(List.of(), repository.reload());
    }

    @Test
    void anOperatorBacktestsAFolderFromTheRulesPageAndSeesWhatWouldChange() throws IOException {
        for (int total : new int[] {10, 50, 200}) {
            Events.awaitOutcome(dataSource, Events.post(type, "\"total\":" + total));
        }
        // The candidate is the rules folder as loaded, with this test's file changed: as an operator
        // would copy rules/ to rules-next/ and edit one file there.
        Path candidate = Files.createDirectories(Path.of("target/backtest-candidate-" + UUID.randomUUID()));
        try (var files = Files.walk(Workspace.RULES)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Path copy = candidate.resolve(Workspace.RULES.relativize(file));
                Files.createDirectories(copy.getParent());
                Files.copy(file, copy);
            }
        }
        Files.writeString(candidate.resolve(BacktestTest.RULES), BacktestTest.CANDIDATE.formatted(type, BacktestTest.PORT));

        Chromium.signIn(browser, base + "ui/rules", HubTestProfile.OPERATOR, HubTestProfile.PASSWORD);
        WebDriverWait waiting = new WebDriverWait(browser, Duration.ofSeconds(15));
        waiting.until(ExpectedConditions.presenceOfElementLocated(By.id("backtest-change")));
        browser.findElement(By.cssSelector("#backtest-change input[name=folder]"))
                .sendKeys(candidate.toAbsolutePath().toString());
        browser.findElement(By.cssSelector("#backtest-change button")).click();
        waiting.until(ExpectedConditions.or(ExpectedConditions.presenceOfElementLocated(By.id("backtest-state")),
                ExpectedConditions.presenceOfElementLocated(By.id("message"))));
        assertTrue(browser.findElements(By.id("message")).isEmpty(), () -> browser.findElement(By.id("message")).getText());
        new WebDriverWait(browser, Duration.ofSeconds(60)).until(
                ExpectedConditions.textToBePresentInElementLocated(By.id("backtest-state"), "DONE"));

        String summary = browser.findElement(By.id("backtest-summary")).getText();
        assertTrue(summary.startsWith("3 action(s) would change"), summary);
        String table = browser.findElement(By.id("backtest-rules")).getText();
        assertTrue(table.contains("big-order 2 1 0 1 1"), table);
        assertTrue(table.contains("small-order (new) 0 1 1 0 0"), table);
        assertTrue(browser.getPageSource().contains("big order of 200"), "the example shows the new rendering");
        Chromium.screenshot(browser, "backtest");

        browser.manage().window().setSize(new Dimension(390, 844));
        browser.navigate().refresh();
        Chromium.screenshot(browser, "backtest-phone");
        Number wide = (Number) ((org.openqa.selenium.JavascriptExecutor) browser)
                .executeScript("return document.documentElement.scrollWidth - window.innerWidth");
        assertTrue(wide.longValue() <= 0, "the page is " + wide + " px wider than a phone");
    }
}
