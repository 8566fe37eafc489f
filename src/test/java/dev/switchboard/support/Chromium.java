package dev.switchboard.support;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A headless Chromium for dashboard tests (Debian's chromium and chromium-driver, installed by
 * .ci/run). Without them a test is skipped, unless SWITCHBOARD_REQUIRE_BROWSER=true (as in CI),
 * where it fails.
 */
public final class Chromium {

    static final Path BINARY = Path.of("/usr/bin/chromium");
    static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    /** Each browser's own profile, under target/ (see {@link #profile()}). */
    static final Path PROFILES = Path.of("target/browser-profiles");

    private Chromium() {
    }

    public static WebDriver start() {
        boolean installed = Files.isExecutable(BINARY) && Files.isExecutable(DRIVER);
        String missing = "the dashboard test needs Debian's chromium and chromium-driver"
                + " (apt-get install chromium chromium-driver)";
        if ("true".equals(System.getenv("SWITCHBOARD_REQUIRE_BROWSER"))) {
            assertTrue(installed, missing);
        }
        Assumptions.assumeTrue(installed, missing);
        System.setProperty("webdriver.chrome.driver", DRIVER.toString());
        try {
            ChromeOptions options = new ChromeOptions().setBinary(BINARY.toFile()).addArguments("--headless=new",
                    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--user-data-dir=" + profile(), "--window-size=1280,800");
            return new ChromeDriver(options);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A fresh browser profile under target/, so that each test starts signed out and a run leaves
     * nothing behind in the machine's temporary folder (3 MB a browser, a few dozen a run).
     */
    private static Path profile() throws IOException {
        Files.createDirectories(PROFILES);
        return Files.createTempDirectory(PROFILES, "chromium-profile").toAbsolutePath();
    }

    /** Where dashboard tests keep their screenshots, to look at after a run. */
    public static final Path SCREENSHOTS = Path.of("target/screenshots");

    /** Opens a dashboard page, signs in on the login page it leads to, and waits to be back on it. */
    public static void signIn(WebDriver browser, String pageUrl, String user, String password) {
        browser.get(pageUrl);
        WebDriverWait waiting = new WebDriverWait(browser, Duration.ofSeconds(15));
        waiting.until(ExpectedConditions.urlContains("/login.html"));
        browser.findElement(By.id("username")).sendKeys(user);
        browser.findElement(By.id("password")).sendKeys(password);
        browser.findElement(By.id("sign-in")).click();
        waiting.until(ExpectedConditions.not(ExpectedConditions.urlContains("/login.html")));
    }

    /** Saves what the browser shows as target/screenshots/NAME.png. */
    public static void screenshot(WebDriver browser, String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            Path shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
            Files.copy(shot, SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
