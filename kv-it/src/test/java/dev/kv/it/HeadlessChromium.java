package dev.kv.it;

import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The browser of the dashboard's tests: the system's headless Chromium (Debian's {@code chromium} and
 * {@code chromium-driver}, or {@code KV_CHROMIUM} and {@code KV_CHROMEDRIVER}) driven by Selenium, with a fixed
 * window, waits that retry an element read while the page re-renders, and screenshots under {@code docs/images/}.
 */
final class HeadlessChromium implements AutoCloseable {

    private static final Dimension WINDOW = new Dimension(1366, 900);

    private final WebDriver driver;

    HeadlessChromium() {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(executable("KV_CHROMIUM", "/usr/bin/chromium"));
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=" + WINDOW.width + "," + WINDOW.height, "--hide-scrollbars", "--lang=en-US");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(executable("KV_CHROMEDRIVER", "/usr/bin/chromedriver")))
                .usingAnyFreePort().build();
        this.driver = new ChromeDriver(service, options);
    }

    private static String executable(String variable, String fallback) {
        String path = System.getenv().getOrDefault(variable, fallback);
        if (!Files.isExecutable(Path.of(path))) {
            throw new IllegalStateException(path + " is missing: install Debian's chromium and chromium-driver"
                    + " (.ci/run does), or set " + variable);
        }
        return path;
    }

    WebDriver driver() {
        return driver;
    }

    /** Waits for a condition; the page re-renders every second, so an element read mid-render is simply retried. */
    WebDriverWait waiting(Duration bound) {
        WebDriverWait wait = new WebDriverWait(driver, bound, Duration.ofMillis(100));
        wait.ignoring(StaleElementReferenceException.class);
        return wait;
    }

    /**
     * Loads the dashboard at {@code dashboard} afresh on one view ({@code overview}, {@code ring}, …), in the usual
     * window. Going by way of a blank page makes it a new load even when only the fragment differs (or nothing).
     */
    void open(URI dashboard, String view) {
        driver.manage().window().setSize(WINDOW);
        driver.get("about:blank");
        driver.get(dashboard.resolve("/#" + view).toString());
        waiting(Duration.ofSeconds(15)).until(ExpectedConditions.visibilityOfElementLocated(By.id("view-" + view)));
    }

    /** Runs a script in the page, in one call (so a re-render cannot come between two reads); its return value. */
    Object script(String script, Object... arguments) {
        return ((JavascriptExecutor) driver).executeScript(script, arguments);
    }

    /**
     * Saves the whole page as {@code <name>.png}: the window grown until its viewport (the window less the browser's
     * own frame) holds the page's height.
     */
    void screenshot(String name) {
        Object heights = script("window.scrollTo(0, 0); return [document.documentElement.scrollHeight,"
                + " Math.max(0, window.outerHeight - window.innerHeight)];");
        List<?> page = (List<?>) heights;
        int height = ((Number) page.get(0)).intValue() + ((Number) page.get(1)).intValue();
        driver.manage().window().setSize(new Dimension(WINDOW.width, Math.max(WINDOW.height, height)));
        Path directory = Path.of(System.getProperty("kv.screenshots", "target/screenshots"));
        try {
            Files.createDirectories(directory);
            Files.write(directory.resolve(name + ".png"), ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        driver.quit();
    }
}
