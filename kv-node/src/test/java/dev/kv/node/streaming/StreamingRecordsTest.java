package dev.kv.node.streaming;

import dev.kv.core.codec.KeyDigestCodec;
import dev.kv.core.codec.RecordBatchCodec;
import dev.kv.core.merkle.KeyDigest;
import dev.kv.core.merkle.RecordDigest;
import dev.kv.core.placement.TopologyMessage;
import dev.kv.core.record.Mutation;
import dev.kv.core.record.Record;
import dev.kv.core.record.Sibling;
import dev.kv.node.membership.TopologyService;
import dev.kv.node.storage.RecordStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The source side of range streaming over the real internal API, on one node with real RocksDB: a group of ranges is
 * sent in chunks that together hold every stored record exactly once, as stored; the versions the receiver says it
 * holds are left out, any other version of those keys is sent; a malformed request is a 400.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class StreamingRecordsTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** The whole ring but the one token Long.MIN_VALUE, as two ranges: the group's index changes halfway. */
    private static final List<long[]> RING = List.of(new long[] {Long.MIN_VALUE, 0}, new long[] {0, Long.MAX_VALUE});
    private static final int KEYS = 300;

    private final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @Autowired
    RecordStore store;

    @Autowired
    TopologyService topologies;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("kv.node.data-dir", () -> {
            try {
                return Files.createTempDirectory("kv-node-streaming").toString();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        registry.add("server.address", () -> "127.0.0.1");
    }

    /** Once for the class (the store outlives each test): KEYS records, the last one deleted (its tombstone). */
    @BeforeEach
    void write() {
        if (!store.read(key(0)).isEmpty()) {
            return;
        }
        for (int i = 0; i < KEYS; i++) {
            store.coordinate(key(i), Mutation.put(("value " + i).getBytes(StandardCharsets.UTF_8), "text/plain",
                    Sibling.NO_EXPIRY, null));
        }
        store.coordinate(key(KEYS - 1), Mutation.delete(store.read(key(KEYS - 1)).clock()));
    }

    private static byte[] key(int i) {
        return ("stream/" + i).getBytes(StandardCharsets.UTF_8);
    }

    private HttpResponse<byte[]> records(String from, String to, int maxBytes, String held) throws Exception {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("topology", TopologyMessage.of(topologies.current().orElseThrow()));
        request.put("ranges", RING);
        request.put("from", from);
        request.put("to", to);
        request.put("maxBytes", maxBytes);
        request.put("held", held);
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/internal/v1/streaming/records"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(request))).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    /** Follows the cursor from the start to the end; answers every record sent, by key, failing on a repeat. */
    private Map<String, Record> streamAll(int maxBytes, String held) throws Exception {
        Map<String, Record> sent = new HashMap<>();
        String from = "0:";
        int answers = 0;
        while (from != null) {
            HttpResponse<byte[]> response = records(from, null, maxBytes, held);
            assertThat(response.statusCode()).isEqualTo(200);
            for (RecordBatchCodec.KeyedRecord keyed : RecordBatchCodec.decode(response.body())) {
                String key = new String(keyed.key(), StandardCharsets.UTF_8);
                assertThat(sent.put(key, keyed.record())).as("sent twice: " + key).isNull();
            }
            from = response.headers().firstValue("X-KV-Stream-Next").orElse(null);
            answers++;
        }
        assertThat(answers).as("answers").isGreaterThan(maxBytes < 10_000 ? 1 : 0);
        return sent;
    }

    private Map<String, Record> storedStreamKeys() {
        Map<String, Record> stored = new HashMap<>();
        for (int i = 0; i < KEYS; i++) {
            stored.put(new String(key(i), StandardCharsets.UTF_8), store.read(key(i)));
        }
        return stored;
    }

    @Test
    void chunksTogetherHoldEveryRecordOnceAsStored() throws Exception {
        Map<String, Record> whole = streamAll(8 * 1024 * 1024, null);
        Map<String, Record> chunked = streamAll(2_000, null);

        Map<String, Record> stored = storedStreamKeys();
        assertThat(whole).containsAllEntriesOf(stored);
        assertThat(whole.get("stream/" + (KEYS - 1)).isDeadAt(System.currentTimeMillis())).as("tombstone").isTrue();
        assertThat(chunked).isEqualTo(whole);
    }

    @Test
    void versionsTheReceiverHoldsAreLeftOutAndOtherVersionsOfThoseKeysAreSent() throws Exception {
        List<KeyDigest> held = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            long digest = RecordDigest.of(key(i), store.read(key(i)));
            held.add(new KeyDigest(key(i), i < 90 ? digest : digest + 1)); // the last ten: another version
        }
        String heldText = Base64.getEncoder().encodeToString(KeyDigestCodec.encode(held));

        Map<String, Record> sent = streamAll(8 * 1024 * 1024, heldText);

        for (int i = 0; i < KEYS; i++) {
            assertThat(sent.containsKey("stream/" + i)).as("stream/" + i + " sent").isEqualTo(i >= 90);
        }
    }

    @Test
    void anAnswerEndsAtTheRequestsBoundIncludingIt() throws Exception {
        HttpResponse<byte[]> first = records("0:", null, 2_000, null);
        String boundary = first.headers().firstValue("X-KV-Stream-Next").orElseThrow();
        List<RecordBatchCodec.KeyedRecord> firstChunk = RecordBatchCodec.decode(first.body());

        HttpResponse<byte[]> bounded = records("0:", boundary, 8 * 1024 * 1024, null);

        assertThat(bounded.headers().firstValue("X-KV-Stream-Next")).isEmpty();
        assertThat(RecordBatchCodec.decode(bounded.body())).extracting(k -> new String(k.key(), StandardCharsets.UTF_8))
                .containsExactlyElementsOf(firstChunk.stream()
                        .map(k -> new String(k.key(), StandardCharsets.UTF_8)).toList());
    }

    @Test
    void malformedRequestsAreABadRequest() throws Exception {
        assertThat(records("nonsense", null, 1000, null).statusCode()).isEqualTo(400);
        assertThat(records("0:", null, 1000, "not base64 !").statusCode()).isEqualTo(400);
        assertThat(records("0:", null, 1000, Base64.getEncoder().encodeToString(new byte[] {5, 1})).statusCode())
                .isEqualTo(400);
    }
}
