package dev.peersync.node.dashboard;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard as a test sees it: what to click and what to wait for. Every wait has a deadline and fails
 * with what the page last showed.
 */
final class DashboardPage {
    private static final Duration DEADLINE = Duration.ofSeconds(45);

    private final WebDriver driver;

    DashboardPage(WebDriver driver) {
        this.driver = driver;
    }

    DashboardPage open(String url) {
        driver.get(url);
        // With an ADMIN_TOKEN on the node the socket waits for the token (given at the first admin action).
        await("the page to load its status and open the WebSocket, or wait for the admin token", d -> {
            List<WebElement> live = d.findElements(By.cssSelector("body[data-ready='true'] #ws-state[data-state='live'],"
                    + " body[data-ready='true'] #ws-state[data-state='token-needed']"));
            return live.isEmpty() ? null : live.get(0);
        }, () -> "ws-state: " + textOf("#ws-state") + ", warnings: " + textOf("#warnings"));
        return this;
    }

    /** Fills and submits "Add manual peer". */
    void addPeer(String host, int apiPort, int p2pPort) {
        WebElement form = driver.findElement(By.id("add-peer"));
        form.findElement(By.name("host")).sendKeys(host);
        form.findElement(By.name("port")).sendKeys(Integer.toString(apiPort));
        form.findElement(By.name("p2p_port")).sendKeys(Integer.toString(p2pPort));
        submitAddPeer();
    }

    /** Submits "Add manual peer" again with what the form holds (it keeps its values after a failure). */
    void submitAddPeer() {
        driver.findElement(By.cssSelector("#add-peer button[type='submit']")).click();
    }

    void triggerSync() {
        driver.findElement(By.id("trigger-sync")).click();
    }

    /** Waits for the admin token prompt, types the token and confirms it. */
    void answerTokenPrompt(String token) {
        WebElement dialog = await("the admin token prompt", d -> {
            WebElement element = d.findElement(By.id("token-dialog"));
            return element.getDomAttribute("open") != null ? element : null;
        }, () -> "feedback: " + textOf("#feedback"));
        WebElement input = dialog.findElement(By.id("token-input"));
        input.clear();
        input.sendKeys(token);
        dialog.findElement(By.cssSelector("button[value='ok']")).click();
    }

    /** Waits until the feedback banner reports success with a text containing {@code expected}. */
    String awaitSuccess(String expected) {
        return awaitFeedback("ok", expected);
    }

    /** Waits until the feedback banner reports a failure with a text containing {@code expected}. */
    String awaitFailure(String expected) {
        return awaitFeedback("error", expected);
    }

    private String awaitFeedback(String state, String expected) {
        return await(state + " feedback containing '" + expected + "'", d -> {
            WebElement box = d.findElement(By.id("feedback"));
            return state.equals(box.getDomAttribute("data-state")) && box.getText().contains(expected) ? box.getText() : null;
        }, () -> "feedback [" + attribute("#feedback", "data-state") + "]: " + textOf("#feedback"));
    }

    /** Waits until the topology lists the node with the given id and state ("self" for this node). */
    String awaitNode(String nodeId, String state) {
        String row = "#nodes tbody tr[data-node-id='" + nodeId + "']";
        String selector = "self".equals(state) ? row + "[data-self='true']" : row + "[data-state='" + state + "']";
        return await("node " + nodeId + " shown as " + state, d -> {
            List<WebElement> rows = d.findElements(By.cssSelector(selector));
            return rows.isEmpty() ? null : rows.get(0).getText();
        }, () -> "topology: " + textOf("#nodes tbody"));
    }

    /** The schema drift the node's row shows for a peer (its {@code data-drift}), once it shows one. */
    String awaitDrift(String nodeId) {
        String selector = "#nodes tbody tr[data-node-id='" + nodeId + "'] [data-drift]";
        return await("node " + nodeId + " shown with tables that differ", d -> {
            List<WebElement> found = d.findElements(By.cssSelector(selector));
            return found.isEmpty() ? null : found.get(0).getText();
        }, () -> "topology: " + textOf("#nodes tbody"));
    }

    /** Rows counted by the chart over its window (its {@code data-total}). */
    long chartTotal() {
        return Long.parseLong(attribute("#rate-chart", "data-total"));
    }

    long awaitChartTotalAbove(long before) {
        return await("the chart's total to grow above " + before, d -> {
            long total = chartTotal();
            return total > before ? total : null;
        }, () -> "chart data-total=" + attribute("#rate-chart", "data-total") + ", events: " + textOf("#events"));
    }

    /** Waits for an event of the stream of the given type whose text contains {@code text}. */
    String awaitEvent(String type, String text) {
        return await(type + " event mentioning '" + text + "'", d -> {
            for (WebElement item : d.findElements(By.cssSelector("#events li[data-type='" + type + "']"))) {
                if (item.getText().contains(text)) {
                    return item.getText();
                }
            }
            return null;
        }, () -> "events: " + textOf("#events"));
    }

    /** Waits until this node has {@code rows} rows in the table and its hash is the same on every node shown. */
    void awaitTableEqualEverywhere(String table, int rows) {
        String row = "#tables tr[data-table='" + table + "'][data-rows='" + rows + "']";
        await("table " + table + " with " + rows + " row(s), equal on every node", d -> d.findElements(
                        By.cssSelector(row + " [data-consistency='equal']")).isEmpty() ? null : true,
                () -> "tables: " + textOf("#tables"));
    }

    /** Waits for the snapshot join box in the given state ({@code running} or {@code done}); returns its text. */
    String awaitJoin(String state) {
        return await("the snapshot join shown as " + state, d -> {
            List<WebElement> box = d.findElements(By.cssSelector("#join[data-state='" + state + "']"));
            return box.isEmpty() || !box.get(0).isDisplayed() ? null : box.get(0).getText();
        }, () -> "join: " + textOf("#join") + " (" + attribute("#join", "data-state") + ")");
    }

    /** The progress bar's value, 0-100. */
    double joinProgress() {
        return Double.parseDouble(driver.findElement(By.id("join-progress")).getDomProperty("value"));
    }

    String text() {
        return driver.findElement(By.tagName("body")).getText();
    }

    void screenshot(Path target) {
        try {
            Files.createDirectories(target.toAbsolutePath().getParent());
            // Written as a new file (not moved): the driver's temp file is private to the user, the artifact is not.
            byte[] png = ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES);
            Files.deleteIfExists(target);
            Files.write(target, png);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not save the screenshot to " + target, e);
        }
    }

    private <T> T await(String what, Function<WebDriver, T> condition, java.util.function.Supplier<String> lastSeen) {
        // The page re-renders its tables on every event: an element found a moment ago may be gone when read.
        return new WebDriverWait(driver, DEADLINE)
                .ignoring(StaleElementReferenceException.class)
                .withMessage(() -> "waited " + DEADLINE.toSeconds() + "s for " + what + "; last seen: " + lastSeen.get())
                .until(condition);
    }

    private String textOf(String selector) {
        List<WebElement> found = driver.findElements(By.cssSelector(selector));
        return found.isEmpty() ? "(no " + selector + ")" : found.get(0).getText();
    }

    private String attribute(String selector, String name) {
        return driver.findElement(By.cssSelector(selector)).getDomAttribute(name);
    }
}
