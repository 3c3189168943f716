package dev.kv.node.replica;

import dev.kv.core.codec.RecordCodec;
import dev.kv.core.codec.ReplicaBatchCodec;
import dev.kv.core.key.KeyCodec;
import dev.kv.core.record.Mutation;
import dev.kv.core.record.Record;
import dev.kv.core.version.HybridLogicalClock;
import dev.kv.node.storage.RecordStore;
import dev.kv.web.runtime.SystemSources;
import org.junit.jupiter.api.Test;
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
import java.time.InstantSource;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * A whole node started with the fault hooks of a robustness test: an {@code error} failpoint fails the replica call
 * as a storage failure would (503, the failpoint named), before the merge leaving the stored record as it was, after
 * a coordinate leaving the write stored; and the node's one clock runs 30 s behind.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class FailpointNodeTest {

    private static final String SECRET = "faults-secret";
    private final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @Autowired
    RecordStore store;

    @Autowired
    InstantSource clock;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws IOException {
        String dir = Files.createTempDirectory("kv-node-faults").toString();
        registry.add("kv.node.data-dir", () -> dir);
        registry.add("kv.cluster.secret", () -> SECRET);
        registry.add("server.address", () -> "127.0.0.1");
        registry.add("kv.faults.enabled", () -> "true");
        registry.add("kv.faults.failpoints", () -> "replica-merge.before=error,coordinate.after=error");
        registry.add("kv.faults.clock-offset", () -> "-30s");
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private HttpResponse<byte[]> send(String method, String path, byte[] body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/octet-stream").header("X-KV-Cluster-Secret", SECRET)
                .method(method, HttpRequest.BodyPublishers.ofByteArray(body)).build();
        return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void aMergeFailedBeforeItsStepIsA503AndLeavesTheStoredRecord() throws Exception {
        Record stored = store.coordinate(bytes("faults/k"), Mutation.put(bytes("old"), "text/plain", 0, null));
        byte[] newer = RecordCodec.encode(store.coordinate(bytes("faults/elsewhere"),
                Mutation.put(bytes("new"), "text/plain", 0, null)));

        HttpResponse<byte[]> response = send("PUT", "/internal/v1/replica?key=" + KeyCodec.encode(bytes("faults/k")),
                newer);

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(new String(response.body(), StandardCharsets.UTF_8))
                .contains("failpoint replica-merge.before: injected I/O error");
        assertThat(store.read(bytes("faults/k"))).isEqualTo(stored);
    }

    @Test
    void aMergeInABatchFailsAloneAsA503() throws Exception {
        byte[] record = RecordCodec.encode(store.coordinate(bytes("faults/source"),
                Mutation.put(bytes("v"), "text/plain", 0, null)));
        List<ReplicaBatchCodec.Op> ops = List.of(new ReplicaBatchCodec.Merge(bytes("faults/batched"), null, record),
                new ReplicaBatchCodec.Read(bytes("faults/source"), null));

        HttpResponse<byte[]> response = send("POST", "/internal/v1/batch", ReplicaBatchCodec.encodeRequest(ops));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(ReplicaBatchCodec.decodeResponse(response.body(), 2)).extracting(ReplicaBatchCodec.Result::status)
                .containsExactly(503, 200);
        assertThat(store.readEncoded(bytes("faults/batched"))).isNull();
    }

    /** The failure a gateway must treat as ambiguous: the coordinator stored the write but never said so. */
    @Test
    void aCoordinateFailedAfterItsStepIsA503ButTheWriteIsStored() throws Exception {
        HttpResponse<byte[]> response = send("POST", "/internal/v1/coordinate?key="
                + KeyCodec.encode(bytes("faults/written")) + "&op=put", bytes("value"));

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(new String(response.body(), StandardCharsets.UTF_8)).contains("failpoint coordinate.after");
        assertThat(store.read(bytes("faults/written")).siblings()).singleElement()
                .satisfies(sibling -> assertThat(sibling.value()).isEqualTo(bytes("value")));
    }

    /** The HLC and the TTL of a coordinated write both read the node's one clock, 30 s behind the wall clock. */
    @Test
    void theNodesClockRunsThirtySecondsBehindTheWallClock() throws Exception {
        long wall = SystemSources.wallMillis();
        assertThat(clock.millis()).isCloseTo(wall - 30_000, within(5_000L));

        send("POST", "/internal/v1/coordinate?key=" + KeyCodec.encode(bytes("faults/dated")) + "&op=put&ttl=60",
                bytes("v"));

        assertThat(store.read(bytes("faults/dated")).siblings()).singleElement().satisfies(sibling -> {
            assertThat(HybridLogicalClock.physicalMillis(sibling.timestamp())).isCloseTo(wall - 30_000,
                    within(5_000L));
            assertThat(sibling.expiresAtMillis()).isCloseTo(wall + 30_000, within(5_000L));
        });
    }
}
