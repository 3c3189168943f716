package dev.kv.gateway;

import dev.kv.core.record.Record;
import dev.kv.gateway.support.GatewayTest;
import dev.kv.gateway.support.Misbehaviour;
import dev.kv.gateway.support.Versions;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.kv.gateway.support.FakeReplicas.IDS;
import static dev.kv.gateway.support.FakeReplicas.merged;
import static dev.kv.gateway.support.FakeReplicas.replicaMerge;
import static dev.kv.gateway.support.FakeReplicas.replicaRead;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Requests, replica calls, read repairs and quorum failures are counted and scraped at {@code /actuator/prometheus}
 * (on the management port)
 * under {@code kv_…} names with bounded tags. The Spring context (and so the registry) is shared with other test
 * classes, so each check compares a series before and after this test's own requests.
 */
class MetricsTest extends GatewayTest {

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)\\{([^}]*)\\} (\\S+)",
            Pattern.MULTILINE);
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    @Test
    void requestsReplicaCallsRepairsAndQuorumFailuresAreScraped() {
        Map<String, String> getOk = Map.of("op", "get", "consistency", "strong", "outcome", "ok");
        Map<String, String> getUnavailable = Map.of("op", "get", "outcome", "unavailable");
        Map<String, String> putBadRequest = Map.of("op", "put", "consistency", "invalid", "outcome", "bad_request");
        Map<String, String> readFailed = Map.of("call", "read", "outcome", "failed");
        Map<String, String> blockingRepair = Map.of("mode", "blocking", "outcome", "ok");
        String before = scrape();

        String repaired = uniqueKey("metrics-repair");
        Record old = Versions.put(Record.EMPTY, "old", "n1:1");
        Record current = Versions.put(old, "new", "n2:1");
        List<String> replicasOfKey = replicas.preferenceList(repaired);
        IDS.forEach(id -> replicas.stub(id, replicaMerge(repaired), merged()));
        replicas.stubRead(replicasOfKey.get(0), repaired, old);
        replicas.stubRead(replicasOfKey.get(1), repaired, current);
        replicas.stub(replicasOfKey.get(2), replicaRead(repaired), Misbehaviour.SLOW.answer(current));
        assertThat(get("/v1/kv/" + repaired + "?consistency=strong").statusCode()).isEqualTo(200);

        String unavailable = uniqueKey("metrics-503");
        replicas.stub(IDS.get(0), replicaRead(unavailable), Misbehaviour.HTTP_500.answer(null));
        replicas.stub(IDS.get(1), replicaRead(unavailable), Misbehaviour.HTTP_500.answer(null));
        replicas.stubRead(IDS.get(2), unavailable, current);
        assertThat(get("/v1/kv/" + unavailable).statusCode()).isEqualTo(503);

        assertThat(put("/v1/kv/" + uniqueKey("metrics-400") + "?consistency=bogus", "v").statusCode())
                .isEqualTo(400);

        String after = scrape();
        assertThat(after).containsPattern(
                "(?m)^kv_requests_seconds_bucket\\{(?=[^}]*op=\"get\")(?=[^}]*le=\"[^\"]+\")[^}]*\\} ");
        assertIncreased(before, after, "kv_requests_seconds_count", getOk);
        assertIncreased(before, after, "kv_requests_seconds_count", getUnavailable);
        assertIncreased(before, after, "kv_requests_seconds_count", putBadRequest);
        assertIncreased(before, after, "kv_replica_calls_seconds_count",
                Map.of("node", replicasOfKey.get(0), "call", "read", "outcome", "ok"));
        assertIncreased(before, after, "kv_replica_calls_seconds_count",
                Map.of("node", replicasOfKey.get(0), "call", "merge", "outcome", "ok"));
        assertIncreased(before, after, "kv_replica_calls_seconds_count", readFailed);
        assertIncreased(before, after, "kv_read_repairs_total", blockingRepair);
        assertIncreased(before, after, "kv_quorum_failures_total", Map.of());
    }

    @Test
    void tagsStayBoundedWhateverClientsSend() {
        String key = uniqueKey("metrics-tags");
        assertThat(get("/v1/kv/" + key + "?consistency=" + "x".repeat(40)).statusCode()).isEqualTo(400);

        String scrape = scrape();

        assertThat(scrape).doesNotContain("x".repeat(40)).doesNotContain(key);
    }

    private String scrape() {
        HttpResponse<byte[]> response = getManagement("/actuator/prometheus");
        assertThat(response.statusCode()).isEqualTo(200);
        return text(response);
    }

    private static void assertIncreased(String before, String after, String name, Map<String, String> labels) {
        assertThat(sum(after, name, labels))
                .as("%s%s after this test's requests (the series present: %s)", name, labels, series(after, name))
                .isGreaterThan(sum(before, name, labels));
    }

    /** The sum of every sample of {@code name} whose labels include {@code labels}. */
    private static double sum(String scrape, String name, Map<String, String> labels) {
        double total = 0;
        Matcher sample = SAMPLE.matcher(scrape);
        while (sample.find()) {
            if (sample.group(1).equals(name) && labels(sample.group(2)).entrySet().containsAll(labels.entrySet())) {
                total += Double.parseDouble(sample.group(3));
            }
        }
        return total;
    }

    private static Map<String, String> labels(String text) {
        Map<String, String> labels = new HashMap<>();
        Matcher label = LABEL.matcher(text);
        while (label.find()) {
            labels.put(label.group(1), label.group(2));
        }
        return labels;
    }

    private static List<String> series(String scrape, String name) {
        return scrape.lines().filter(line -> line.startsWith(name + "{")).toList();
    }
}
