package dev.kv.gateway;

import dev.kv.core.codec.RecordCodec;
import dev.kv.core.record.Record;
import dev.kv.gateway.support.FakeReplicas;
import dev.kv.gateway.support.GatewayTest;
import dev.kv.gateway.support.Misbehaviour;
import dev.kv.gateway.support.Versions;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.binaryEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.kv.gateway.support.FakeReplicas.COORDINATE_PATH;
import static dev.kv.gateway.support.FakeReplicas.REPLICA_PATH;
import static dev.kv.gateway.support.FakeReplicas.coordinate;
import static dev.kv.gateway.support.FakeReplicas.encodeKey;
import static dev.kv.gateway.support.FakeReplicas.problem;
import static dev.kv.gateway.support.FakeReplicas.recordAnswer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The write path: coordinator choice and failover, replication of the coordinator's record, refusals. */
class WritePathTest extends GatewayTest {

    @Test
    void aWriteIsCoordinatedByTheKeysFirstReplicaAndItsRecordReplicatedToTheOthers() {
        String key = uniqueKey("write");
        Record written = Versions.put(Record.EMPTY, "v1", "n1:1");
        replicas.stubWritesEverywhere(key, written);
        List<String> replicasOfKey = replicas.preferenceList(key);

        HttpResponse<byte[]> response = put("/v1/kv/" + key + "?ttl=60", "v1", "Content-Type", "text/plain");

        assertThat(response.statusCode()).as(text(response)).isEqualTo(204);
        assertThat(header(response, "X-KV-Context")).isEqualTo(Versions.context(written));
        replicas.server(replicasOfKey.get(0)).verify(1, postRequestedFor(urlPathEqualTo(COORDINATE_PATH))
                .withQueryParam("key", equalTo(encodeKey(key))).withQueryParam("op", equalTo("put"))
                .withQueryParam("ttl", equalTo("60")).withHeader("X-KV-Content-Type", equalTo("text/plain"))
                .withHeader("X-KV-Context", absent()).withRequestBody(binaryEqualTo("v1".getBytes())));
        awaitMerged(key, written, replicasOfKey.get(1), replicasOfKey.get(2));
        replicas.server(replicasOfKey.get(1)).verify(0, postRequestedFor(urlPathEqualTo(COORDINATE_PATH))
                .withQueryParam("key", equalTo(encodeKey(key))));
        replicas.server(replicasOfKey.get(2)).verify(0, postRequestedFor(urlPathEqualTo(COORDINATE_PATH))
                .withQueryParam("key", equalTo(encodeKey(key))));
    }

    @Test
    void aWriteCarriesTheClientsContextToTheCoordinator() {
        String key = uniqueKey("write-context");
        Record before = Versions.put(Record.EMPTY, "v1", "n1:1");
        Record written = Versions.put(before, "v2", "n1:1");
        replicas.stubWritesEverywhere(key, written);

        HttpResponse<byte[]> response = put("/v1/kv/" + key, "v2", "X-KV-Context", Versions.context(before));

        assertThat(response.statusCode()).as(text(response)).isEqualTo(204);
        replicas.server(replicas.preferenceList(key).getFirst()).verify(1,
                postRequestedFor(urlPathEqualTo(COORDINATE_PATH)).withQueryParam("key", equalTo(encodeKey(key)))
                        .withHeader("X-KV-Context", equalTo(Versions.context(before))));
    }

    @Test
    void aDeleteIsCoordinatedAsATombstoneWrite() {
        String key = uniqueKey("delete");
        Record tombstone = Versions.delete(Versions.put(Record.EMPTY, "v1", "n1:1"), "n1:1");
        replicas.stubWritesEverywhere(key, tombstone);

        HttpResponse<byte[]> response = delete("/v1/kv/" + key + "?w=all");

        assertThat(response.statusCode()).as(text(response)).isEqualTo(204);
        assertThat(header(response, "X-KV-Context")).isEqualTo(Versions.context(tombstone));
        replicas.server(replicas.preferenceList(key).getFirst()).verify(1,
                postRequestedFor(urlPathEqualTo(COORDINATE_PATH)).withQueryParam("key", equalTo(encodeKey(key)))
                        .withQueryParam("op", equalTo("delete")));
    }

    /**
     * The first replica of the key's preference list takes longer than the replica timeout to coordinate; the
     * gateway gives up on it and the next replica coordinates. The first still receives the new record as a merge
     * (it is up, only slow to coordinate), as does the third.
     */
    @Test
    void aCoordinatorThatTimesOutIsReplacedByTheNextReplicaOfThePreferenceList() {
        String key = uniqueKey("failover");
        Record written = Versions.put(Record.EMPTY, "v1", "n2:1");
        replicas.stubWritesEverywhere(key, written);
        List<String> replicasOfKey = replicas.preferenceList(key);
        replicas.stub(replicasOfKey.get(0), coordinate(key),
                recordAnswer(written).withFixedDelay((int) Misbehaviour.SLOW_DELAY.toMillis()));

        long start = System.nanoTime();
        HttpResponse<byte[]> response = put("/v1/kv/" + key, "v1", "Content-Type", "text/plain");
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

        assertThat(response.statusCode()).as(text(response)).isEqualTo(204);
        assertThat(header(response, "X-KV-Context")).isEqualTo(Versions.context(written));
        assertThat(elapsed).isLessThan(Misbehaviour.SLOW_DELAY);
        replicas.server(replicasOfKey.get(1)).verify(1, postRequestedFor(urlPathEqualTo(COORDINATE_PATH))
                .withQueryParam("key", equalTo(encodeKey(key))).withRequestBody(binaryEqualTo("v1".getBytes())));
        replicas.server(replicasOfKey.get(2)).verify(0, postRequestedFor(urlPathEqualTo(COORDINATE_PATH))
                .withQueryParam("key", equalTo(encodeKey(key))));
        awaitMerged(key, written, replicasOfKey.get(0), replicasOfKey.get(2));
        replicas.server(replicasOfKey.get(1)).verify(0, putRequestedFor(urlPathEqualTo(REPLICA_PATH))
                .withQueryParam("key", equalTo(encodeKey(key))));
    }

    /**
     * A 4xx from the coordinator is the request's fault (here: too many siblings), which every other replica would
     * repeat; the client hears it, and no other replica is asked.
     */
    @Test
    void aCoordinatorRefusingTheWriteWith409IsReportedAndNotFailedOver() {
        String key = uniqueKey("too-many-siblings");
        replicas.stubWritesEverywhere(key, Versions.put(Record.EMPTY, "v1", "n1:1"));
        List<String> replicasOfKey = replicas.preferenceList(key);
        replicas.stub(replicasOfKey.get(0), coordinate(key), problem(409, "17 siblings exceed the limit of 16"));

        HttpResponse<byte[]> response = put("/v1/kv/" + key, "v1");

        assertThat(assertProblem(response, 409).path("detail").asString())
                .isEqualTo("17 siblings exceed the limit of 16");
        assertThat(header(response, "X-KV-Context")).isNull();
        replicas.server(replicasOfKey.get(0)).verify(1, postRequestedFor(urlPathEqualTo(COORDINATE_PATH))
                .withQueryParam("key", equalTo(encodeKey(key))));
        for (String other : replicasOfKey.subList(1, 3)) {
            replicas.server(other).verify(0, postRequestedFor(urlPathEqualTo(COORDINATE_PATH))
                .withQueryParam("key", equalTo(encodeKey(key))));
        }
        assertThat(replicas.writesFor(key::equals)).hasSize(1);
    }

    @Test
    void aValueOfExactlyTheLimitIsAccepted() {
        String key = uniqueKey("max-value");
        byte[] value = new byte[1024 * 1024];
        replicas.stubWritesEverywhere(key, Versions.put(Record.EMPTY, "big", "n1:1"));

        HttpResponse<byte[]> response = send("PUT", "/v1/kv/" + key,
                java.net.http.HttpRequest.BodyPublishers.ofByteArray(value));

        assertThat(response.statusCode()).as(text(response)).isEqualTo(204);
        replicas.server(replicas.preferenceList(key).getFirst()).verify(1,
                postRequestedFor(urlPathEqualTo(COORDINATE_PATH)).withQueryParam("key", equalTo(encodeKey(key)))
                        .withRequestBody(binaryEqualTo(value))
                        .withHeader("X-KV-Content-Type", equalTo("application/octet-stream")));
    }

    @Test
    void aReplicaThatFailsToTakeItsCopyGetsAHintKeptByALiveHomeReplica() {
        String key = uniqueKey("hinted");
        Record written = Versions.put(Record.EMPTY, "v1", "n1:1");
        replicas.stubWritesEverywhere(key, written);
        List<String> home = replicas.preferenceList(key);
        String failing = home.get(2);
        replicas.stub(failing, FakeReplicas.replicaMerge(key), problem(500, "disk on fire"));
        for (String id : home) {
            replicas.stub(id, FakeReplicas.hint(key), FakeReplicas.merged());
        }

        HttpResponse<byte[]> response = put("/v1/kv/" + key + "?w=2", "v1");

        assertThat(response.statusCode()).as(text(response)).isEqualTo(204);
        byte[] encoded = RecordCodec.encode(written);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> replicas.server(home.get(0)).verify(1,
                putRequestedFor(urlPathEqualTo(FakeReplicas.HINTS_PATH)).withQueryParam("target", equalTo(failing))
                        .withQueryParam("key", equalTo(encodeKey(key))).withRequestBody(binaryEqualTo(encoded))));
    }

    @Test
    void aHintKeptByAHomeReplicaNeverCountsTowardW() {
        String key = uniqueKey("sloppy-no-standin");
        Record written = Versions.put(Record.EMPTY, "v1", "n1:1");
        replicas.stubWritesEverywhere(key, written);
        List<String> home = replicas.preferenceList(key);
        replicas.stub(home.get(2), FakeReplicas.replicaMerge(key), problem(500, "down"));
        for (String id : home) {
            replicas.stub(id, FakeReplicas.hint(key), FakeReplicas.merged());
        }

        HttpResponse<byte[]> response = put("/v1/kv/" + key + "?w=3&sloppy=true", "v1");

        JsonNode problem = assertProblem(response, 503);
        assertThat(problem.path("answered").asInt()).isEqualTo(2);
        assertThat(problem.path("needed").asInt()).isEqualTo(3);
    }

    private static void awaitMerged(String key, Record record, String... ids) {
        byte[] encoded = RecordCodec.encode(record);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            for (String id : ids) {
                replicas.server(id).verify(1, putRequestedFor(urlPathEqualTo(REPLICA_PATH))
                        .withQueryParam("key", equalTo(encodeKey(key))).withRequestBody(binaryEqualTo(encoded)));
            }
        });
    }
}
