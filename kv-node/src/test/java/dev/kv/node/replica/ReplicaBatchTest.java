package dev.kv.node.replica;

import dev.kv.core.Limits;
import dev.kv.core.codec.RecordCodec;
import dev.kv.core.codec.ReplicaBatchCodec;
import dev.kv.core.record.Record;
import dev.kv.node.storage.RecordStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code POST /internal/v1/batch} on a real node and RocksDB (issue 13): every call of a batch is answered exactly as
 * its per-call endpoint would answer it, one call's refusal is not another's, and the endpoint is guarded as strictly
 * as the rest of the internal API (secret, canonical spelling, body cap) without Spring in front of it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ReplicaBatchTest {

    private static final String SECRET = "batch-secret";
    private static final long NO_DEADLINE = Long.MAX_VALUE;
    private final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @Autowired
    RecordStore store;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws IOException {
        String dir = Files.createTempDirectory("kv-node-batch").toString();
        registry.add("kv.node.data-dir", () -> dir);
        registry.add("kv.cluster.secret", () -> SECRET);
        registry.add("server.address", () -> "127.0.0.1");
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static ReplicaBatchCodec.Coordinate put(String key, String value, long deadline) {
        return new ReplicaBatchCodec.Coordinate(bytes(key), null, false, null, "text/plain", null, 0x1234L,
                deadline, false, bytes(value));
    }

    private HttpResponse<byte[]> post(String path, byte[] body, String secret) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (secret != null) {
            request.header("X-KV-Cluster-Secret", secret);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private List<ReplicaBatchCodec.Result> batch(List<ReplicaBatchCodec.Op> ops) throws Exception {
        HttpResponse<byte[]> response = post("/internal/v1/batch", ReplicaBatchCodec.encodeRequest(ops), SECRET);
        assertThat(response.statusCode()).isEqualTo(200);
        return ReplicaBatchCodec.decodeResponse(response.body(), ops.size());
    }

    @Test
    void everyCallIsAnsweredInOrderAsItsOwnEndpointWould() throws Exception {
        byte[] other = RecordCodec.encode(store.coordinate(bytes("batch/elsewhere"),
                dev.kv.core.record.Mutation.put(bytes("copy"), null, dev.kv.core.record.Sibling.NO_EXPIRY, null)));
        List<ReplicaBatchCodec.Result> results = batch(List.of(
                put("batch/a", "alpha", NO_DEADLINE),
                new ReplicaBatchCodec.Read(bytes("batch/a"), null),
                new ReplicaBatchCodec.Read(bytes("batch/missing"), null),
                new ReplicaBatchCodec.Merge(bytes("batch/b"), null, other)));

        assertThat(results).extracting(ReplicaBatchCodec.Result::status).containsExactly(200, 200, 404, 204);
        Record written = RecordCodec.decode(results.get(0).body());
        assertThat(written.siblings()).singleElement().satisfies(s -> assertThat(s.value()).isEqualTo(bytes("alpha")));
        // The read in the same batch sees the write before it, and both equal what the store holds now.
        assertThat(RecordCodec.decode(results.get(1).body())).isEqualTo(written)
                .isEqualTo(store.read(bytes("batch/a")));
        assertThat(store.read(bytes("batch/b"))).isEqualTo(RecordCodec.decode(other));
    }

    @Test
    void oneCallsRefusalLeavesTheOthersAlone() throws Exception {
        long past = System.currentTimeMillis() - 60_000;
        List<ReplicaBatchCodec.Result> results = batch(List.of(
                put("batch/late", "never", past),
                new ReplicaBatchCodec.Read(new byte[0], null),
                new ReplicaBatchCodec.Merge(bytes("batch/garbage"), null, new byte[] {1, 9, 9, 9}),
                new ReplicaBatchCodec.Read(bytes("batch/fenced"), "999999:nobody"),
                put("batch/fine", "stored", NO_DEADLINE)));

        assertThat(results).extracting(ReplicaBatchCodec.Result::status).containsExactly(503, 400, 400, 409, 200);
        assertThat(text(results.get(0))).contains("deadline-passed", "not applied");
        assertThat(text(results.get(1))).contains("key must be");
        assertThat(text(results.get(3))).contains("topology-behind");
        assertThat(store.readEncoded(bytes("batch/late"))).isNull();
        assertThat(store.readEncoded(bytes("batch/garbage"))).isNull();
        assertThat(store.read(bytes("batch/fine")).siblings()).singleElement()
                .satisfies(s -> assertThat(s.value()).isEqualTo(bytes("stored")));
    }

    /**
     * A key one byte too long is that call's 400, as its own endpoint would answer, and the other calls go on; a key
     * longer still is no key any member sends, and the batch is refused as corrupt before anything is read further.
     */
    @Test
    void aKeyJustTooLongIsThatCallsBadRequestAndALongerOneACorruptBatch() throws Exception {
        byte[] justTooLong = new byte[Limits.KEY_BYTES_MAX + 1];
        java.util.Arrays.fill(justTooLong, (byte) 'k');
        List<ReplicaBatchCodec.Result> results = batch(List.of(new ReplicaBatchCodec.Read(justTooLong, null),
                put("batch/after-long", "stored", NO_DEADLINE)));

        assertThat(results).extracting(ReplicaBatchCodec.Result::status).containsExactly(400, 200);
        assertThat(text(results.get(0))).contains("key must be 1.." + Limits.KEY_BYTES_MAX + " bytes");

        byte[] longer = java.util.Arrays.copyOf(justTooLong, Limits.KEY_BYTES_MAX + 2);
        HttpResponse<byte[]> corrupt = post("/internal/v1/batch", ReplicaBatchCodec.encodeRequest(List.of(
                new ReplicaBatchCodec.Read(longer, null), put("batch/never", "x", NO_DEADLINE))), SECRET);
        assertThat(corrupt.statusCode()).isEqualTo(400);
        assertThat(store.readEncoded(bytes("batch/never"))).isNull();
    }

    private static String text(ReplicaBatchCodec.Result result) {
        return new String(result.body(), StandardCharsets.UTF_8);
    }

    @Test
    void withoutTheSecretNothingIsApplied() throws Exception {
        byte[] body = ReplicaBatchCodec.encodeRequest(List.of(put("batch/intruder", "x", NO_DEADLINE)));
        for (String secret : new String[] {null, "wrong"}) {
            HttpResponse<byte[]> response = post("/internal/v1/batch", body, secret);
            assertThat(response.statusCode()).isEqualTo(401);
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("application/problem+json"));
        }
        assertThat(store.readEncoded(bytes("batch/intruder"))).isNull();
    }

    /** Other spellings are not served by the valve; Spring refuses them (firewall) or asks for the secret. */
    @ParameterizedTest
    @ValueSource(strings = {"/internal/v1/%62atch", "/internal/v1/batch;x=y", "//internal/v1/batch",
            "/internal/v1/./batch", "/INTERNAL/v1/batch", "/internal/v1/batch/"})
    void otherSpellingsNeverApplyWithoutTheSecret(String path) throws Exception {
        byte[] body = ReplicaBatchCodec.encodeRequest(List.of(put("batch/spelled", "x", NO_DEADLINE)));
        HttpResponse<byte[]> response = post(path, body, null);
        assertThat(response.statusCode()).isIn(400, 401, 404);
        assertThat(store.readEncoded(bytes("batch/spelled"))).isNull();
    }

    @Test
    void aBodyThatIsNotABatchIsABadRequest() throws Exception {
        HttpResponse<byte[]> response = post("/internal/v1/batch", new byte[] {7, 7, 7}, SECRET);
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(new String(response.body(), StandardCharsets.UTF_8)).contains("not a batch");
    }

    @Test
    void aBodyAboveTheCapIsRefusedBeforeItIsRead() throws Exception {
        HttpResponse<byte[]> response = post("/internal/v1/batch", new byte[40 * 1024 * 1024], SECRET);
        assertThat(response.statusCode()).isEqualTo(413);
    }
}
