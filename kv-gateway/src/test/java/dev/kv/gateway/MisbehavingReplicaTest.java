package dev.kv.gateway;

import dev.kv.core.record.Record;
import dev.kv.gateway.support.GatewayTest;
import dev.kv.gateway.support.Misbehaviour;
import dev.kv.gateway.support.Versions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.kv.gateway.support.FakeReplicas.COORDINATE_PATH;
import static dev.kv.gateway.support.FakeReplicas.coordinate;
import static dev.kv.gateway.support.FakeReplicas.encodeKey;
import static dev.kv.gateway.support.FakeReplicas.merged;
import static dev.kv.gateway.support.FakeReplicas.recordAnswer;
import static dev.kv.gateway.support.FakeReplicas.replicaMerge;
import static dev.kv.gateway.support.FakeReplicas.replicaRead;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A misbehaving replica (slow, 500, garbage, reset or empty connection) counts as one failed replica: a quorum of
 * the others still answers correctly, two misbehaving replicas out of three give a 503 with the counts, and no
 * request waits for the misbehaving one beyond the replica timeout. The elapsed-time bounds are hang checks, set at
 * the slow replica's delay, not performance assertions.
 */
class MisbehavingReplicaTest extends GatewayTest {

    /**
     * Long enough for a healthy replica to have answered first, and below the replica timeout so that the
     * misbehaviour is seen as itself rather than as a timeout.
     */
    private static final Duration LAG = Duration.ofMillis(200);

    @ParameterizedTest
    @EnumSource(Misbehaviour.class)
    void aStrongReadAnswersTheValueWhenOneReplicaMisbehaves(Misbehaviour misbehaviour) {
        String key = uniqueKey("read-one-bad");
        Record stored = Versions.put(Record.EMPTY, "hello", "n1:1");
        List<String> replicasOfKey = replicas.preferenceList(key);
        replicas.stub(replicasOfKey.get(0), replicaRead(key), misbehaviour.answer(stored));
        replicas.stubRead(replicasOfKey.get(1), key, stored);
        replicas.stubRead(replicasOfKey.get(2), key, stored);

        long start = System.nanoTime();
        HttpResponse<byte[]> response = get("/v1/kv/" + key + "?consistency=strong");
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

        assertThat(response.statusCode()).as(text(response)).isEqualTo(200);
        assertThat(text(response)).isEqualTo("hello");
        assertThat(header(response, "Content-Type")).startsWith("text/plain");
        assertThat(header(response, "X-KV-Context")).isEqualTo(Versions.context(stored));
        assertThat(elapsed).isLessThan(Misbehaviour.SLOW_DELAY);
    }

    /**
     * The two bad replicas misbehave only after a lag, so the good one has surely answered by the time the quorum
     * is known to be lost, and the problem's count is exactly one whatever the misbehaviour.
     */
    @ParameterizedTest
    @EnumSource(Misbehaviour.class)
    void aStrongReadWithTwoMisbehavingReplicasAnswers503WithTheCounts(Misbehaviour misbehaviour) {
        String key = uniqueKey("read-two-bad");
        Record stored = Versions.put(Record.EMPTY, "hello", "n1:1");
        List<String> replicasOfKey = replicas.preferenceList(key);
        replicas.stub(replicasOfKey.get(0), replicaRead(key), misbehaviour.answerAfter(LAG, stored));
        replicas.stub(replicasOfKey.get(1), replicaRead(key), misbehaviour.answerAfter(LAG, stored));
        replicas.stubRead(replicasOfKey.get(2), key, stored);

        long start = System.nanoTime();
        HttpResponse<byte[]> response = get("/v1/kv/" + key);
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

        assertQuorumProblem(response, 1);
        JsonNode failures = json(response).path("failures");
        assertThat(failures).hasSize(2);
        assertThat(failures.get(0).asString() + failures.get(1).asString())
                .contains(replicasOfKey.get(0)).contains(replicasOfKey.get(1));
        assertThat(elapsed).isLessThan(Misbehaviour.SLOW_DELAY);
    }

    /**
     * Two replicas fail at once and the third answers a little later: the quorum is lost before the good answer
     * arrives, yet the problem counts it, so an operator sees that one replica did answer.
     */
    @Test
    void aQuorumFailureCountsTheReplicasThatAnsweredAfterItWasLost() {
        String key = uniqueKey("read-late-good");
        Record stored = Versions.put(Record.EMPTY, "hello", "n1:1");
        List<String> replicasOfKey = replicas.preferenceList(key);
        replicas.stub(replicasOfKey.get(0), replicaRead(key), Misbehaviour.HTTP_500.answer(stored));
        replicas.stub(replicasOfKey.get(1), replicaRead(key), Misbehaviour.HTTP_500.answer(stored));
        replicas.stub(replicasOfKey.get(2), replicaRead(key), recordAnswer(stored).withFixedDelay(100));

        HttpResponse<byte[]> response = get("/v1/kv/" + key);

        assertQuorumProblem(response, 1);
    }

    /**
     * The misbehaving replica is the key's first, so it is the coordinator the gateway tries first: the write must
     * fail over to the next replica and still reach W=2 with the third.
     */
    @ParameterizedTest
    @EnumSource(Misbehaviour.class)
    void aWriteAtW2SucceedsWhenOneReplicaMisbehaves(Misbehaviour misbehaviour) {
        String key = uniqueKey("write-one-bad");
        Record written = Versions.put(Record.EMPTY, "v1", "n2:1");
        List<String> replicasOfKey = replicas.preferenceList(key);
        misbehaveOnWrites(replicasOfKey.get(0), key, misbehaviour, written);
        replicas.stub(replicasOfKey.get(1), coordinate(key), recordAnswer(written));
        replicas.stub(replicasOfKey.get(1), replicaMerge(key), merged());
        replicas.stub(replicasOfKey.get(2), coordinate(key), recordAnswer(written));
        replicas.stub(replicasOfKey.get(2), replicaMerge(key), merged());

        long start = System.nanoTime();
        HttpResponse<byte[]> response = put("/v1/kv/" + key + "?w=2", "v1", "Content-Type", "text/plain");
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

        assertThat(response.statusCode()).as(text(response)).isEqualTo(204);
        assertThat(header(response, "X-KV-Context")).isEqualTo(Versions.context(written));
        assertThat(header(response, "ETag")).isNotBlank();
        replicas.server(replicasOfKey.get(1)).verify(1, postRequestedFor(urlPathEqualTo(COORDINATE_PATH))
                .withQueryParam("key", equalTo(encodeKey(key))));
        replicas.server(replicasOfKey.get(2)).verify(0, postRequestedFor(urlPathEqualTo(COORDINATE_PATH))
                .withQueryParam("key", equalTo(encodeKey(key))));
        assertThat(elapsed).isLessThan(Misbehaviour.SLOW_DELAY);
    }

    /** The coordinator and one replica acknowledge; the write does not wait for the third, whatever it does. */
    @ParameterizedTest
    @EnumSource(Misbehaviour.class)
    void aWriteAtW2SucceedsWhenAReplicaOtherThanTheCoordinatorMisbehaves(Misbehaviour misbehaviour) {
        String key = uniqueKey("write-other-bad");
        Record written = Versions.put(Record.EMPTY, "v1", "n1:1");
        List<String> replicasOfKey = replicas.preferenceList(key);
        replicas.stubWritesEverywhere(key, written);
        misbehaveOnWrites(replicasOfKey.get(2), key, misbehaviour, written);

        long start = System.nanoTime();
        HttpResponse<byte[]> response = put("/v1/kv/" + key + "?w=2", "v1");
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

        assertThat(response.statusCode()).as(text(response)).isEqualTo(204);
        assertThat(header(response, "X-KV-Context")).isEqualTo(Versions.context(written));
        replicas.server(replicasOfKey.get(0)).verify(1, postRequestedFor(urlPathEqualTo(COORDINATE_PATH))
                .withQueryParam("key", equalTo(encodeKey(key))));
        assertThat(elapsed).isLessThan(Misbehaviour.SLOW_DELAY);
    }

    /**
     * The first two replicas misbehave on every call; the third coordinates, but neither merge is acknowledged.
     * Garbage is left out: a merge's answer has no body to read, so a 200 with garbage is a valid acknowledgement.
     */
    @ParameterizedTest
    @EnumSource(value = Misbehaviour.class, names = "GARBAGE", mode = EnumSource.Mode.EXCLUDE)
    void aWriteAtW2WithTwoMisbehavingReplicasAnswers503WithTheCounts(Misbehaviour misbehaviour) {
        String key = uniqueKey("write-two-bad");
        Record written = Versions.put(Record.EMPTY, "v1", "n3:1");
        List<String> replicasOfKey = replicas.preferenceList(key);
        misbehaveOnWrites(replicasOfKey.get(0), key, misbehaviour, written);
        misbehaveOnWrites(replicasOfKey.get(1), key, misbehaviour, written);
        replicas.stub(replicasOfKey.get(2), coordinate(key), recordAnswer(written));

        long start = System.nanoTime();
        HttpResponse<byte[]> response = put("/v1/kv/" + key, "v1");
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

        assertQuorumProblem(response, 1);
        assertThat(elapsed).isLessThan(Misbehaviour.SLOW_DELAY.multipliedBy(2));
    }

    @ParameterizedTest
    @EnumSource(value = Misbehaviour.class, names = {"HTTP_500", "CONNECTION_RESET"})
    void aWriteThatNoCoordinatorTakesAnswers503WithNoReplicaAnswering(Misbehaviour misbehaviour) {
        String key = uniqueKey("write-all-bad");
        for (String id : replicas.preferenceList(key)) {
            misbehaveOnWrites(id, key, misbehaviour, null);
        }

        HttpResponse<byte[]> response = delete("/v1/kv/" + key);

        assertQuorumProblem(response, 0);
        assertThat(json(response).path("failures")).hasSize(3);
    }

    private static void misbehaveOnWrites(String id, String key, Misbehaviour misbehaviour, Record written) {
        replicas.stub(id, coordinate(key), misbehaviour.answer(written));
        replicas.stub(id, replicaMerge(key), misbehaviour.answer(null));
    }

    private static void assertQuorumProblem(HttpResponse<byte[]> response, int answered) {
        JsonNode problem = assertProblem(response, 503);
        assertThat(problem.path("answered").asInt()).isEqualTo(answered);
        assertThat(problem.path("needed").asInt()).isEqualTo(2);
        assertThat(problem.path("contacted").asInt()).isEqualTo(3);
        assertThat(problem.path("detail").asString()).contains(answered + " of 2");
        assertThat(header(response, "Retry-After")).matches("\\d+");
    }
}
