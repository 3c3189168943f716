package dev.kv.gateway;

import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.kv.core.record.Record;
import dev.kv.core.version.WriteIds;
import dev.kv.gateway.support.GatewayTest;
import dev.kv.gateway.support.Versions;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.kv.gateway.support.FakeReplicas.COORDINATE_PATH;
import static dev.kv.gateway.support.FakeReplicas.coordinate;
import static dev.kv.gateway.support.FakeReplicas.encodeKey;
import static dev.kv.gateway.support.FakeReplicas.recordAnswer;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The coordinate attempts of one client write (issue 11): every attempt carries the write's id and a deadline; an
 * attempt that may have been applied is only followed, once it has settled, by a re-attempt (which takes the write's
 * alias dot on the node); an attempt the node provably did not apply is followed at once by a first attempt.
 */
class CoordinatorAttemptsTest extends GatewayTest {

    /** The defaults: 250 ms to apply, 200 ms of tolerated skew. */
    private static final long SETTLED_AFTER_MILLIS = 450;

    @Test
    void everyAttemptCarriesTheWriteIdAndADeadlineAFewHundredMillisecondsAhead() {
        String key = uniqueKey("attempt-headers");
        replicas.stubWritesEverywhere(key, Versions.put(Record.EMPTY, "v1", "n1:1"));

        long before = System.currentTimeMillis();
        HttpResponse<byte[]> response = put("/v1/kv/" + key, "v1");
        long after = System.currentTimeMillis();

        assertThat(response.statusCode()).as(text(response)).isEqualTo(204);
        LoggedRequest attempt = single(attempts(replicas.preferenceList(key).getFirst(), key));
        assertThat(WriteIds.parse(attempt.getHeader("X-KV-Write-Id"))).isNotZero();
        assertThat(Long.parseLong(attempt.getHeader("X-KV-Deadline"))).isBetween(before + 250, after + 250);
        assertThat(attempt.containsHeader("X-KV-Reattempt")).isFalse();
        // A second client write has its own id.
        put("/v1/kv/" + key, "v2");
        List<LoggedRequest> both = attempts(replicas.preferenceList(key).getFirst(), key);
        assertThat(both).hasSize(2);
        assertThat(both.get(0).getHeader("X-KV-Write-Id")).isNotEqualTo(both.get(1).getHeader("X-KV-Write-Id"));
    }

    @Test
    void afterABrokenConnectionTheNextCoordinatorIsAskedOnlyOnceTheAttemptSettledAndAsAReattempt() {
        String key = uniqueKey("attempt-reset");
        Record written = Versions.put(Record.EMPTY, "v1", "n2:1");
        replicas.stubWritesEverywhere(key, written);
        List<String> replicasOfKey = replicas.preferenceList(key);
        replicas.stub(replicasOfKey.get(0), coordinate(key), aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER));

        HttpResponse<byte[]> response = put("/v1/kv/" + key, "v1");

        assertThat(response.statusCode()).as(text(response)).isEqualTo(204);
        LoggedRequest first = single(attempts(replicasOfKey.get(0), key));
        LoggedRequest second = single(attempts(replicasOfKey.get(1), key));
        assertThat(second.getHeader("X-KV-Write-Id")).isEqualTo(first.getHeader("X-KV-Write-Id"));
        assertThat(second.getHeader("X-KV-Reattempt")).isEqualTo("true");
        // The reset came at once, but the first node might have been applying it until its deadline. The deadlines,
        // both from the gateway's clock, prove the wait exactly; the arrival times at the stub only roughly (on a
        // busy machine the first request can reach the stub some milliseconds after the gateway sent it).
        assertThat(second.getLoggedDate().getTime() - first.getLoggedDate().getTime())
                .isGreaterThanOrEqualTo(SETTLED_AFTER_MILLIS - 50);
        assertThat(Long.parseLong(second.getHeader("X-KV-Deadline")))
                .isGreaterThanOrEqualTo(Long.parseLong(first.getHeader("X-KV-Deadline")) + SETTLED_AFTER_MILLIS - 5);
    }

    @Test
    void aCoordinatorThatRefusesBecauseTheDeadlinePassedIsReplacedAtOnceByAFirstAttempt() {
        String key = uniqueKey("attempt-refused");
        Record written = Versions.put(Record.EMPTY, "v1", "n2:1");
        replicas.stubWritesEverywhere(key, written);
        List<String> replicasOfKey = replicas.preferenceList(key);
        replicas.stub(replicasOfKey.get(0), coordinate(key), aResponse().withStatus(503)
                .withHeader("Content-Type", "application/problem+json")
                .withBody("{\"type\":\"https://kv.dev/problems/deadline-passed\",\"status\":503,"
                        + "\"detail\":\"the write's deadline passed 3 ms ago on this node's clock; not applied\"}"));

        long start = System.nanoTime();
        HttpResponse<byte[]> response = put("/v1/kv/" + key, "v1");
        long elapsedMillis = (System.nanoTime() - start) / 1_000_000;

        assertThat(response.statusCode()).as(text(response)).isEqualTo(204);
        LoggedRequest second = single(attempts(replicasOfKey.get(1), key));
        assertThat(second.containsHeader("X-KV-Reattempt")).as("a refused attempt was not applied").isFalse();
        assertThat(elapsedMillis).as("no wait for a refused attempt").isLessThan(SETTLED_AFTER_MILLIS);
    }

    @Test
    void aCoordinatorThatDoesNotAnswerInTimeIsFollowedByAReattempt() {
        String key = uniqueKey("attempt-timeout");
        Record written = Versions.put(Record.EMPTY, "v1", "n2:1");
        replicas.stubWritesEverywhere(key, written);
        List<String> replicasOfKey = replicas.preferenceList(key);
        replicas.stub(replicasOfKey.get(0), coordinate(key), recordAnswer(written).withFixedDelay(2_000));

        HttpResponse<byte[]> response = put("/v1/kv/" + key, "v1");

        assertThat(response.statusCode()).as(text(response)).isEqualTo(204);
        assertThat(single(attempts(replicasOfKey.get(1), key)).getHeader("X-KV-Reattempt")).isEqualTo("true");
        assertThat(attempts(replicasOfKey.get(2), key)).isEmpty();
    }

    private List<LoggedRequest> attempts(String node, String key) {
        return replicas.server(node).findAll(postRequestedFor(urlPathEqualTo(COORDINATE_PATH))
                .withQueryParam("key", equalTo(encodeKey(key))));
    }

    private static LoggedRequest single(List<LoggedRequest> requests) {
        assertThat(requests).hasSize(1);
        return requests.getFirst();
    }
}
