package dev.kv.it;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard's view of membership changes (issue 12) in headless Chromium, against a stand-in gateway (WireMock)
 * that serves {@code /v1/cluster} frozen in the middle of a change: state badges, the change's progress, each
 * receiving member's streaming, the ring epoch, former members set apart, a gateway that predates member states,
 * and member ids that are markup rendered as text.
 */
class MembershipChangeDashboardTest {

    private static final String HOSTILE = "<img src=x onerror=alert(1)>";
    /** The page polls the cluster once a second; a start-up and a few polls. */
    private static final Duration ON_PAGE = Duration.ofSeconds(15);

    private static WireMockServer gateway;
    private static StandaloneDashboard dashboard;
    private static HeadlessChromium chromium;
    private static WebDriver browser;

    /** One member row as the page shows it. */
    private record Row(String node, String state, boolean former, String name, String streaming) {
    }

    @BeforeAll
    static void start() {
        gateway = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
        gateway.start();
        dashboard = StandaloneDashboard.start(MembershipChangeDashboardTest.class.getSimpleName(),
                URI.create(gateway.baseUrl()));
        chromium = new HeadlessChromium();
        browser = chromium.driver();
    }

    @AfterAll
    static void stop() {
        try {
            if (chromium != null) {
                chromium.close();
            }
        } finally {
            try {
                if (dashboard != null) {
                    dashboard.close();
                }
            } finally {
                gateway.stop();
            }
        }
    }

    @BeforeEach
    void stubTheNodes() {
        gateway.resetAll();
        // Every member's address is the stand-in too: the dashboard's backend asks each for its pending hints.
        gateway.stubFor(get(urlPathEqualTo("/internal/v1/hints"))
                .willReturn(okJson("{\"pendingByTarget\":{},\"bytes\":0}")));
    }

    @Test
    void aJoinInProgressShowsEachMembersStateTheMovementAndHostileIdsAsText() {
        serveCluster("""
                "epoch":7,"topologyVersion":"7:n4",
                "transition":{"kind":"join","member":"n4","rangesDone":3,"rangesTotal":12,"keys":1500,
                              "bytes":4500000,"bytesPerSecond":2500000.0,"etaSeconds":18},
                """, List.of(
                member("n1", "alive", null, ""),
                member("n2", "alive", "leaving", ""),
                member("n3", "down", "left", ""),
                member("n4", "alive", "joining", """
                        ,"streaming":{"rangesDone":3,"rangesTotal":12,"keys":1500,"bytes":4500000,
                                      "bytesPerSecond":2500000.0,"etaSeconds":18,"phase":"streaming"}"""),
                member(HOSTILE, "alive", "waiting", "")));
        chromium.open(dashboard.uri(), "overview");

        List<Row> rows = chromium.waiting(ON_PAGE).until(d -> {
            List<Row> shown = rows();
            return shown.size() == 5 && d.findElement(By.id("transition")).isDisplayed() ? shown : null;
        });

        Map<String, String> states = new LinkedHashMap<>();
        rows.forEach(row -> states.put(row.node(), row.state()));
        assertThat(states).containsExactlyInAnyOrderEntriesOf(Map.of("n1", "normal", "n2", "leaving", "n3", "left",
                "n4", "joining", HOSTILE, "waiting"));
        assertThat(rows.getLast()).as("the member that left comes last, set apart")
                .extracting(Row::node, Row::former).containsExactly("n3", true);
        assertThat(rows.stream().filter(Row::former).map(Row::node)).containsExactly("n3");
        assertThat(text("#members tr.group-row")).startsWith("Former members (1)");
        assertThat(rows.stream().filter(r -> r.node().equals("n4")).findFirst().orElseThrow().streaming())
                .isEqualTo("3 / 12 ranges · 2.5 MB/s · ETA 18 s");

        WebElement bar = browser.findElement(By.id("transition-bar"));
        assertThat(bar.getAttribute("role")).isEqualTo("progressbar");
        assertThat(bar.getAttribute("aria-valuenow")).isEqualTo("3");
        assertThat(bar.getAttribute("aria-valuemax")).isEqualTo("12");
        assertThat(chromium.script("return document.querySelector('#transition-bar > span').style.width"))
                .isEqualTo("25%");
        assertThat(text("#transition-kind")).isEqualTo("join · n4");
        assertThat(text("#transition-ranges")).isEqualTo("3 / 12 ranges · 25 %");
        assertThat(text("#transition-keys")).isEqualTo("1,500");
        assertThat(text("#transition-bytes")).isEqualTo("4.5 MB");
        assertThat(text("#transition-rate")).isEqualTo("2.5 MB/s");
        assertThat(text("#transition-eta")).isEqualTo("18 s");
        assertThat(text("#topology")).isEqualTo("epoch 7 · topology 7:n4");
        assertThat(text("#health")).as("a member that left is no longer part of the cluster's health")
                .isEqualTo("healthy");
        assertThat(text("#nodes-up")).isEqualTo("4 / 4");

        assertThat(rows.stream().filter(r -> r.node().equals(HOSTILE)).findFirst().orElseThrow().name())
                .isEqualTo(HOSTILE);
        assertThat(text("#transition-queue")).isEqualTo("Waiting for their turn: " + HOSTILE);
        assertThat(chromium.script("return document.querySelectorAll('img').length")).isEqualTo(0L);
        assertThat(ExpectedConditions.alertIsPresent().apply(browser)).as("no script of the id ran").isNull();
    }

    @Test
    void whenTheChangeIsOverItsPanelGoesAndAGatewayWithoutStatesShowsEveryMemberNormal() {
        serveCluster("""
                "epoch":8,"topologyVersion":"8:n4",
                "transition":{"kind":"decommission","member":"n4","rangesDone":11,"rangesTotal":12,"keys":9000,
                              "bytes":30000000,"bytesPerSecond":12000000.0,"etaSeconds":null},
                """, List.of(member("n1", "alive", "normal", ""), member("n2", "alive", "normal", ""),
                member("n3", "alive", "normal", ""), member("n4", "alive", "leaving", "")));
        chromium.open(dashboard.uri(), "overview");
        chromium.waiting(ON_PAGE).until(d -> d.findElement(By.id("transition")).isDisplayed()
                && text("#transition-kind").equals("decommission · n4"));
        assertThat(text("#transition-eta")).isEqualTo("unknown");

        // The same cluster from a gateway older than member states: no epoch, no change, no state.
        serveCluster("", List.of(member("n1", "alive", null, ""), member("n2", "alive", null, ""),
                member("n3", "alive", null, "")));

        chromium.waiting(ON_PAGE).until(d -> !d.findElement(By.id("transition")).isDisplayed()
                && rows().size() == 3);
        assertThat(rows()).extracting(Row::state).containsOnly("normal");
        assertThat(rows()).noneMatch(Row::former);
        assertThat(browser.findElement(By.id("topology")).isDisplayed()).isFalse();
        assertThat(browser.findElements(By.cssSelector("#members tr.group-row"))).isEmpty();
    }

    @Test
    void scalingUpShowsTheJoinerStreamingAndTheNextWaitingAndTheRingLegendLeavesFormerMembersOut() {
        serveCluster("""
                "epoch":12,"topologyVersion":"12:n4",
                "transition":{"kind":"join","member":"n4","rangesDone":7,"rangesTotal":16,"keys":262144,
                              "bytes":283115520,"bytesPerSecond":21500000.0,"etaSeconds":16},
                """, List.of(
                member("n1", "alive", "normal", ""), member("n2", "alive", "normal", ""),
                member("n3", "alive", "normal", ""),
                member("n4", "alive", "joining", """
                        ,"streaming":{"rangesDone":7,"rangesTotal":16,"keys":262144,"bytes":283115520,
                                      "bytesPerSecond":21500000.0,"etaSeconds":16,"phase":"streaming"}"""),
                member("n5", "alive", "waiting", ""),
                member("n6", "down", "left", "")));
        gateway.stubFor(get(urlPathEqualTo("/v1/cluster/ring")).willReturn(okJson("""
                {"tokens":[{"token":"3074457345618258602","owner":"n1"},{"token":"9223372036854775807","owner":"n2"},
                           {"token":"15372286728091293013","owner":"n3"}]}""")));
        chromium.open(dashboard.uri(), "overview");

        chromium.waiting(ON_PAGE).until(d -> rows().size() == 6 && d.findElement(By.id("transition")).isDisplayed());
        assertThat(text("#transition-ranges")).isEqualTo("7 / 16 ranges · 43 %");
        assertThat(text("#transition-queue")).isEqualTo("Waiting for their turn: n5");
        assertThat(rows()).filteredOn(Row::former).extracting(Row::node).containsExactly("n6");
        chromium.screenshot("membership-change");

        chromium.open(dashboard.uri(), "ring");
        chromium.waiting(ON_PAGE).until(d -> d.findElements(By.cssSelector("#ring-legend li[data-node]")).size() == 5);
        assertThat(browser.findElements(By.cssSelector("#ring-legend li[data-node]")))
                .extracting(li -> li.getAttribute("data-node")).containsExactly("n1", "n2", "n3", "n4", "n5");
        assertThat(text("#ring-legend li[data-node='n4'] .state-badge")).isEqualTo("joining");
        assertThat(browser.findElements(By.cssSelector("#ring-legend li[data-node='n1'] .state-badge"))).isEmpty();
    }

    /** Serves {@code /v1/cluster}: {@code extra} (top-level fields, each followed by a comma) and the members. */
    private static void serveCluster(String extra, List<String> members) {
        gateway.stubFor(get(urlPathEqualTo("/v1/cluster")).willReturn(okJson("""
                {"replicationFactor":3,"virtualNodes":256,"conflictMode":"vector-clock","defaultConsistency":"strong",
                 "observer":"n1","refreshedAt":%d,%s"members":[%s]}"""
                .formatted(System.currentTimeMillis(), extra, String.join(",", members)))));
    }

    /**
     * One member as the gateway reports it; {@code state} null: the field is absent, as from an older gateway. Only
     * members that own ranges (normal, leaving) have a ring share; a joiner holds what it received so far.
     */
    private static String member(String id, String status, String state, String extra) {
        boolean owner = state == null || state.equals("normal") || state.equals("leaving");
        long keys = owner ? 250_000 : "joining".equals(state) ? 87_381 : 0;
        return """
                {"id":"%s","url":"%s","status":"%s","announced":"normal","phi":%s,"generation":1795538375917,
                 "circuitBreaker":"closed","ownership":%s,
                 "info":{"keys":%d,"diskBytes":%d,"uptimeMs":5400000}%s%s}"""
                .formatted(id, gateway.baseUrl() + "/", status, status.equals("down") ? "12.5" : "0.4",
                        owner ? "0.3333" : "0.0", keys, keys * 1074,
                        state == null ? "" : ",\"state\":\"" + state + "\"", extra);
    }

    /** Every member row (in page order) read in one script call: the table is re-rendered every second. */
    private static List<Row> rows() {
        Object result = chromium.script("""
                return Array.from(document.querySelectorAll('#members tr[data-node]')).map((tr) => [
                  tr.dataset.node, tr.querySelector('.state-badge')?.textContent ?? '',
                  tr.classList.contains('row-former'), tr.querySelector('.node-name')?.textContent ?? '',
                  tr.querySelector('.streaming-text')?.textContent ?? '']);""");
        List<Row> rows = new ArrayList<>();
        for (Object row : (List<?>) result) {
            List<?> cells = (List<?>) row;
            rows.add(new Row((String) cells.get(0), (String) cells.get(1), (Boolean) cells.get(2),
                    (String) cells.get(3), (String) cells.get(4)));
        }
        return rows;
    }

    private static String text(String selector) {
        return String.valueOf(chromium.script(
                "const e = document.querySelector(arguments[0]); return e ? e.textContent.trim() : null;", selector));
    }
}
