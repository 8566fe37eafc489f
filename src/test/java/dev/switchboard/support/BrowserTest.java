package dev.switchboard.support;

import java.net.URL;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.openqa.selenium.WebDriver;

import io.quarkus.test.common.http.TestHTTPResource;

import dev.switchboard.rules.RulesInForce;

/**
 * What every dashboard test in Chromium starts from: the hub's address, its database and rules,
 * and a browser started before each test (skipped without Chromium, unless CI requires it: see
 * {@link Chromium#start()}) and quit after it.
 */
public abstract class BrowserTest {

    @TestHTTPResource("/")
    protected URL base;

    @Inject
    protected DataSource dataSource;

    @Inject
    protected RulesInForce repository;

    protected WebDriver browser;

    @BeforeEach
    void startBrowser() {
        browser = Chromium.start();
    }

    @AfterEach
    void quitBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }
}
