package dev.peersync.node.dashboard;

import dev.peersync.testing.Prerequisite;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts Debian's headless Chromium through its chromedriver, both found on disk: nothing is downloaded
 * (Selenium Manager is never asked, since the driver and the browser are given explicitly). Paths can be
 * overridden with {@code CHROMIUM_BIN} and {@code CHROMEDRIVER_BIN}. When either is missing the test is reported
 * skipped with the command that installs them on a developer machine, and fails under CI ({@link Prerequisite}).
 */
final class HeadlessChromium implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HeadlessChromium.class);
    static final String INSTALL_HINT = "apt-get update && apt-get install -y chromium chromium-driver";

    private final ChromeDriver driver;
    private final Path profile;

    private HeadlessChromium(ChromeDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    static HeadlessChromium start(int width, int height) {
        Path browser = executable("CHROMIUM_BIN", "/usr/bin/chromium");
        Path chromedriver = executable("CHROMEDRIVER_BIN", "/usr/bin/chromedriver");
        Path profile;
        try {
            profile = Files.createTempDirectory("dashboard-chromium-");
        } catch (IOException e) {
            throw new UncheckedIOException("Could not create a Chromium profile directory", e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(browser.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + profile, "--window-size=" + width + "," + height);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(chromedriver.toFile())
                .usingAnyFreePort()
                .withTimeout(Duration.ofSeconds(30))
                .build();
        try {
            return new HeadlessChromium(new ChromeDriver(service, options), profile);
        } catch (RuntimeException e) {
            deleteTree(profile);
            throw new IllegalStateException("Could not start headless Chromium (" + browser + ") through "
                    + chromedriver + ": " + e.getMessage() + ". Their versions must match; reinstall both with: "
                    + INSTALL_HINT, e);
        }
    }

    private static Path executable(String variable, String defaultPath) {
        String configured = System.getenv(variable);
        Path path = Path.of(configured == null || configured.isBlank() ? defaultPath : configured);
        Prerequisite.require(Files.isExecutable(path), path + " (the dashboard's end-to-end test drives Chromium)",
                "install Chromium and its driver (as root): " + INSTALL_HINT + ", or point " + variable
                        + " at the executable");
        return path;
    }

    ChromeDriver driver() {
        return driver;
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            deleteTree(profile);
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            // Chromium may still be writing its profile while it exits; a temp directory left over is harmless.
            log.warn("Could not delete the Chromium profile {}: {}", root, e.toString());
        }
    }
}
