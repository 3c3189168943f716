package dev.kv.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.time.Duration;
import java.util.List;

import static dev.kv.it.TestSupport.uniqueKey;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard in a real headless Chromium (Debian's {@code chromium} and {@code chromium-driver}, driven by
 * Selenium) against a real cluster. Each test saves a screenshot of its page under {@code docs/images/}, which the
 * README shows.
 */
class DashboardTest {

    /** Detection bound of the membership tests plus the page's one-second refresh. */
    private static final Duration DOWN_ON_PAGE_BOUND = Duration.ofSeconds(12);

    @RegisterExtension
    static final KvClusterExtension cluster = new KvClusterExtension(KvCluster.builder().withDashboard());

    private static HeadlessChromium chromium;
    private static WebDriver browser;

    @BeforeAll
    static void openBrowser() {
        chromium = new HeadlessChromium();
        browser = chromium.driver();
    }

    @AfterAll
    static void closeBrowser() {
        if (chromium != null) {
            chromium.close();
        }
    }

    private static WebDriverWait waiting(Duration bound) {
        return chromium.waiting(bound);
    }

    private static void open(String view) {
        chromium.open(cluster.cluster().dashboardUri(), view);
    }

    /** The status word of a node's row, read in one script call (the table is re-rendered every second). */
    private static String statusOf(String node) {
        Object text = chromium.script(
                "const cell = document.querySelector(\"#members tr[data-node='\" + arguments[0]"
                        + " + \"'] .node-status\"); return cell ? cell.textContent : '';", node);
        return String.valueOf(text).trim();
    }

    private static void screenshot(String name) {
        chromium.screenshot(name);
    }

    @Test
    void theOverviewListsThreeAliveNodes() {
        open("overview");

        waiting(Duration.ofSeconds(15)).until(d -> List.of("n1", "n2", "n3").stream()
                .allMatch(node -> statusOf(node).startsWith("alive")));
        assertThat(browser.findElements(By.cssSelector("#members tr[data-node]"))).hasSize(3);
        assertThat(browser.findElement(By.id("nodes-up")).getText()).contains("3 / 3");
        screenshot("overview");
    }

    @Test
    void theRingDrawsEveryNodeAndALookupMarksTheKeysReplicas() {
        String key = uniqueKey("ring");
        List<String> replicas = cluster.gateway().preferenceList(key);
        open("ring");

        waiting(Duration.ofSeconds(15)).until(d -> d.findElements(By.cssSelector("#ring g[data-node]")).size() == 3);
        for (String node : List.of("n1", "n2", "n3")) {
            assertThat(browser.findElements(By.cssSelector("#ring g[data-node='" + node + "'] *")))
                    .as("arcs of " + node).isNotEmpty();
            assertThat(browser.findElements(By.cssSelector("#ring-legend li[data-node='" + node + "']"))).hasSize(1);
        }
        browser.findElement(By.id("lookup-key")).sendKeys(key);
        browser.findElement(By.id("lookup-go")).click();

        waiting(Duration.ofSeconds(10)).until(ExpectedConditions.presenceOfElementLocated(By.id("key-marker")));
        String result = waiting(Duration.ofSeconds(10)).until(d -> {
            String text = d.findElement(By.id("lookup-result")).getText();
            return text.contains(replicas.getFirst()) ? text : null;
        });
        assertThat(result.indexOf(replicas.get(0))).isLessThan(result.indexOf(replicas.get(1)));
        assertThat(result.indexOf(replicas.get(1))).isLessThan(result.indexOf(replicas.get(2)));
        screenshot("ring");
    }

    @Test
    void aPutInTheKeyExplorerIsReadBackWithEveryReplicasVersion() {
        String key = uniqueKey("explorer");
        open("keys");

        browser.findElement(By.id("key-input")).sendKeys(key);
        browser.findElement(By.id("key-value")).sendKeys("hello from the dashboard");
        new Select(browser.findElement(By.id("key-consistency"))).selectByValue("strong");
        browser.findElement(By.id("key-put")).click();

        waiting(Duration.ofSeconds(10)).until(d -> d.findElement(By.id("key-answer")).getText()
                .contains("hello from the dashboard"));
        waiting(Duration.ofSeconds(10)).until(d -> d.findElements(By.cssSelector("#replicas .replica")).size() == 3);
        for (WebElement replica : browser.findElements(By.cssSelector("#replicas .replica"))) {
            assertThat(replica.findElement(By.className("replica-state")).getText()).contains("holds");
            assertThat(replica.findElement(By.className("replica-siblings")).getText())
                    .contains("hello from the dashboard");
            assertThat(replica.findElement(By.className("replica-clock")).getText()).contains(":");
        }
        assertThat(browser.findElement(By.id("key-status")).getText()).contains("200");
        screenshot("keys");
    }

    @Test
    void trafficChartsFollowTheRequestsTheGatewayServes() {
        String key = uniqueKey("traffic");
        open("traffic");
        WriteStream stream = new WriteStream(cluster.gateway(), key, Duration.ofSeconds(30));
        Thread writer = Thread.ofPlatform().name("traffic-writes").start(stream);
        try {
            waiting(Duration.ofSeconds(20)).until(d -> {
                String total = d.findElement(By.id("traffic-total")).getText().replaceAll("[^0-9.]", "");
                return !total.isEmpty() && Double.parseDouble(total) > 0
                        && !d.findElements(By.cssSelector("#chart-rate path, #chart-rate polyline")).isEmpty()
                        && !d.findElements(By.cssSelector("#chart-latency path, #chart-latency polyline")).isEmpty();
            });
            // A few more samples, so the screenshot shows lines rather than a first segment.
            waiting(Duration.ofSeconds(20)).until(d -> d.findElement(By.id("traffic-caption")).getText()
                    .matches("(?s).*\\b([6-9]|\\d{2,}) samples kept.*"));
            screenshot("traffic");
        } finally {
            stream.stop();
        }
        assertThat(stream.failed()).isZero();
        waiting(Duration.ofSeconds(35)).until(d -> !writer.isAlive());
    }

    @Test
    void aRepairStartedFromThePageShowsItsExchanges() {
        open("repair");

        browser.findElement(By.id("repair-start")).click();

        waiting(Duration.ofSeconds(30)).until(d -> d.findElements(By.cssSelector("#repair-table tbody tr")).size()
                >= 6);
        assertThat(browser.findElement(By.id("repair-table")).getText()).contains("in-sync");
        screenshot("repair");
    }

    @Test
    void aKilledNodeTurnsDownOnThePageWithinTheDetectionBound() {
        open("overview");
        waiting(Duration.ofSeconds(15)).until(d -> statusOf("n3").startsWith("alive"));

        cluster.node("n3").kill();

        waiting(DOWN_ON_PAGE_BOUND).until(d -> statusOf("n3").startsWith("down"));
        assertThat(statusOf("n1")).startsWith("alive");
        screenshot("overview-node-down");
    }
}
