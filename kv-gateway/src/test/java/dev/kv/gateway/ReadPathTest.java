package dev.kv.gateway;

import dev.kv.core.codec.RecordCodec;
import dev.kv.core.record.Record;
import dev.kv.gateway.support.GatewayTest;
import dev.kv.gateway.support.Misbehaviour;
import dev.kv.gateway.support.Versions;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.binaryEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.kv.gateway.support.FakeReplicas.IDS;
import static dev.kv.gateway.support.FakeReplicas.REPLICA_PATH;
import static dev.kv.gateway.support.FakeReplicas.encodeKey;
import static dev.kv.gateway.support.FakeReplicas.merged;
import static dev.kv.gateway.support.FakeReplicas.notFound;
import static dev.kv.gateway.support.FakeReplicas.recordAnswer;
import static dev.kv.gateway.support.FakeReplicas.replicaMerge;
import static dev.kv.gateway.support.FakeReplicas.replicaRead;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The read path: quorum reads, read repair, siblings, absent and deleted keys, the JSON envelope. */
class ReadPathTest extends GatewayTest {

    /**
     * The third replica hangs, so the quorum is exactly the first two: one stale, one current. The stale one must
     * hold the merge before the read answers (monotonic reads), so no waiting is needed to see the repair.
     */
    @Test
    void aStaleReplicaWithinTheQuorumIsRepairedBeforeTheReadAnswers() {
        String key = uniqueKey("repair-blocking");
        Record old = Versions.put(Record.EMPTY, "old", "n1:1");
        Record current = Versions.put(old, "new", "n2:1");
        List<String> replicasOfKey = replicas.preferenceList(key);
        stubMergesEverywhere(key);
        replicas.stubRead(replicasOfKey.get(0), key, old);
        replicas.stubRead(replicasOfKey.get(1), key, current);
        replicas.stub(replicasOfKey.get(2), replicaRead(key), Misbehaviour.SLOW.answer(current));

        HttpResponse<byte[]> response = get("/v1/kv/" + key);

        assertThat(response.statusCode()).as(text(response)).isEqualTo(200);
        assertThat(text(response)).isEqualTo("new");
        assertThat(header(response, "X-KV-Context")).isEqualTo(Versions.context(current));
        replicas.server(replicasOfKey.get(0)).verify(1, putRequestedFor(urlPathEqualTo(REPLICA_PATH))
                .withQueryParam("key", equalTo(encodeKey(key)))
                .withRequestBody(binaryEqualTo(RecordCodec.encode(current))));
        replicas.server(replicasOfKey.get(1)).verify(0, putRequestedFor(urlPathEqualTo(REPLICA_PATH))
                .withQueryParam("key", equalTo(encodeKey(key))));
    }

    /**
     * The stale replica answers after the two current ones decided the read, but within the replica timeout: it
     * is repaired in the background, after the read answered.
     */
    @Test
    void aStaleReplicaAnsweringLateIsRepairedInTheBackground() {
        String key = uniqueKey("repair-background");
        Record old = Versions.put(Record.EMPTY, "old", "n1:1");
        Record current = Versions.put(old, "new", "n2:1");
        List<String> replicasOfKey = replicas.preferenceList(key);
        stubMergesEverywhere(key);
        replicas.stub(replicasOfKey.get(0), replicaRead(key), recordAnswer(old).withFixedDelay(150));
        replicas.stubRead(replicasOfKey.get(1), key, current);
        replicas.stubRead(replicasOfKey.get(2), key, current);

        HttpResponse<byte[]> response = get("/v1/kv/" + key);

        assertThat(response.statusCode()).as(text(response)).isEqualTo(200);
        assertThat(text(response)).isEqualTo("new");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> replicas.server(replicasOfKey.get(0)).verify(1,
                putRequestedFor(urlPathEqualTo(REPLICA_PATH)).withQueryParam("key", equalTo(encodeKey(key)))
                        .withRequestBody(binaryEqualTo(RecordCodec.encode(current)))));
        for (String fresh : replicasOfKey.subList(1, 3)) {
            replicas.server(fresh).verify(0, putRequestedFor(urlPathEqualTo(REPLICA_PATH))
                .withQueryParam("key", equalTo(encodeKey(key))));
        }
    }

    /**
     * Two writes through different coordinators without a common context are concurrent. Every pair of replicas
     * shows both (the third holds their merge), so any quorum answers 300 with both siblings and one context that
     * covers them.
     */
    @Test
    void concurrentVersionsAnswer300WithBothSiblingsAndOneContext() {
        String key = uniqueKey("siblings");
        Record left = Versions.put(Record.EMPTY, "left", "n1:1");
        Record right = Versions.put(Record.EMPTY, "right", "n2:1");
        Record both = Versions.merge(left, right);
        stubMergesEverywhere(key);
        replicas.stubRead(IDS.get(0), key, left);
        replicas.stubRead(IDS.get(1), key, right);
        replicas.stubRead(IDS.get(2), key, both);

        HttpResponse<byte[]> response = get("/v1/kv/" + key);

        assertThat(response.statusCode()).as(text(response)).isEqualTo(300);
        assertThat(header(response, "Content-Type")).startsWith("application/json");
        assertThat(response.headers().allValues("X-KV-Context")).containsExactly(Versions.context(both));
        assertThat(header(response, "X-KV-Siblings")).isEqualTo("2");
        JsonNode envelope = json(response);
        assertThat(envelope.path("key").asString()).isEqualTo(key);
        assertThat(envelope.path("context").asString()).isEqualTo(Versions.context(both));
        assertThat(envelope.has("value")).as("no single value with siblings").isFalse();
        List<String> values = new ArrayList<>();
        for (JsonNode sibling : envelope.path("siblings")) {
            values.add(new String(Base64.getDecoder().decode(sibling.path("value").asString()),
                    StandardCharsets.UTF_8));
            assertThat(sibling.path("contentType").asString()).isEqualTo("text/plain");
        }
        assertThat(values).containsExactlyInAnyOrder("left", "right");
    }

    @Test
    void aKeyNoReplicaHoldsIs404() {
        String key = uniqueKey("absent");
        IDS.forEach(id -> replicas.stub(id, replicaRead(key), notFound()));

        HttpResponse<byte[]> response = get("/v1/kv/" + key);

        assertProblem(response, 404);
        assertThat(header(response, "X-KV-Context")).isNull();
    }

    @Test
    void aDeletedKeyIs404WithTheTombstonesContext() {
        String key = uniqueKey("deleted");
        Record tombstone = Versions.delete(Versions.put(Record.EMPTY, "gone", "n1:1"), "n1:1");
        replicas.stubReadEverywhere(key, tombstone);

        HttpResponse<byte[]> response = get("/v1/kv/" + key);

        assertProblem(response, 404);
        assertThat(header(response, "X-KV-Context")).isEqualTo(Versions.context(tombstone));
    }

    @Test
    void acceptingJsonAnswersTheEnvelope() {
        String key = uniqueKey("envelope");
        Record stored = Versions.put(Record.EMPTY, "hello", "n1:1");
        replicas.stubReadEverywhere(key, stored);

        HttpResponse<byte[]> response = get("/v1/kv/" + key + "?r=one", "Accept", "application/json");

        assertThat(response.statusCode()).as(text(response)).isEqualTo(200);
        assertThat(header(response, "Content-Type")).startsWith("application/json");
        JsonNode envelope = json(response);
        assertThat(envelope.path("value").asString())
                .isEqualTo(Base64.getEncoder().encodeToString("hello".getBytes(StandardCharsets.UTF_8)));
        assertThat(envelope.path("contentType").asString()).isEqualTo("text/plain");
        assertThat(envelope.path("context").asString()).isEqualTo(Versions.context(stored));
        assertThat(envelope.path("etag").asString()).isEqualTo(header(response, "ETag"));
        assertThat(envelope.path("siblings")).hasSize(1);
    }

    /**
     * A key with slashes, an encoded slash and non-ASCII characters is stored under exactly its percent-decoded
     * UTF-8 bytes, and routed by them.
     */
    @Test
    void aKeyIsThePercentDecodedRestOfThePath() {
        String marker = uniqueKey("users");
        String key = marker + "/42/cart/a/b/\u00e9t\u00e9";
        replicas.stubReadEverywhere(key, Versions.put(Record.EMPTY, "cart", "n1:1"));

        HttpResponse<byte[]> response = get("/v1/kv/" + marker + "/42/cart/a%2Fb/%C3%A9t%C3%A9");

        assertThat(response.statusCode()).as(text(response)).isEqualTo(200);
        assertThat(text(response)).isEqualTo("cart");
        assertThat(replicas.callsFor(key::equals)).hasSizeGreaterThanOrEqualTo(2);
        assertThat(replicas.callsFor(decoded -> decoded.startsWith(marker) && !decoded.equals(key))).isEmpty();
    }

    private static void stubMergesEverywhere(String key) {
        IDS.forEach(id -> replicas.stub(id, replicaMerge(key), merged()));
    }
}
