package dev.kv.node.replica;

import dev.kv.core.codec.RecordCodec;
import dev.kv.core.record.Record;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The node's internal API over HTTP, on a real RocksDB. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class InternalApiTest {

    private static final String SECRET = "test-secret";
    private final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @LocalManagementPort
    int managementPort;

    @Autowired
    dev.kv.node.storage.RecordStore store;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws IOException {
        registry.add("kv.node.data-dir", () -> tempDir());
        registry.add("kv.cluster.secret", () -> SECRET);
        registry.add("server.address", () -> "127.0.0.1");
    }

    private static String tempDir() {
        try {
            return Files.createTempDirectory("kv-node-test").toString();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String key(String key) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(key.getBytes(StandardCharsets.UTF_8));
    }

    private HttpResponse<byte[]> send(HttpRequest.Builder request, boolean withSecret) throws Exception {
        if (withSecret) {
            request.header("X-KV-Cluster-Secret", SECRET);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    @Test
    void callsWithoutTheClusterSecretAreRefused() throws Exception {
        HttpResponse<byte[]> response = send(HttpRequest.newBuilder(uri("/internal/v1/replica?key=" + key("k"))),
                false);
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
    }

    @Test
    void aCoordinatedWriteIsReadBackAsTheSameRecord() throws Exception {
        HttpResponse<byte[]> written = send(HttpRequest.newBuilder(
                        uri("/internal/v1/coordinate?key=" + key("users/1") + "&op=put&ttl=60"))
                .header("Content-Type", "application/octet-stream").header("X-KV-Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("hello")), true);
        assertThat(written.statusCode()).isEqualTo(200);
        Record record = RecordCodec.decode(written.body());
        assertThat(record.siblings()).singleElement().satisfies(s -> {
            assertThat(new String(s.value(), StandardCharsets.UTF_8)).isEqualTo("hello");
            assertThat(s.contentType()).isEqualTo("text/plain");
            assertThat(s.hasExpiry()).isTrue();
        });

        HttpResponse<byte[]> read = send(HttpRequest.newBuilder(uri("/internal/v1/replica?key=" + key("users/1"))),
                true);
        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(RecordCodec.decode(read.body())).isEqualTo(record);
    }

    @Test
    void aGarbageRecordIsRefusedAndStoresNothing() throws Exception {
        HttpResponse<byte[]> response = send(HttpRequest.newBuilder(uri("/internal/v1/replica?key=" + key("junk")))
                .header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(new byte[] {1, 9, 9, 9})), true);
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(store.readEncoded("junk".getBytes(StandardCharsets.UTF_8))).isNull();
    }

    @Test
    void anInvalidKeyEncodingIsABadRequest() throws Exception {
        HttpResponse<byte[]> response = send(HttpRequest.newBuilder(uri("/internal/v1/replica?key=%25%25")), true);
        assertThat(response.statusCode()).isEqualTo(400);
    }

    /** Every endpoint that takes a key applies the same rule: base64url of 1 to 1024 bytes, else a 400. */
    @Test
    void aKeyOfNoBytesOrTooManyIsABadRequestWhereverItIsSent() throws Exception {
        String tooLong = Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[1025]);
        byte[] record = RecordCodec.encode(store.coordinate("hinted".getBytes(StandardCharsets.UTF_8),
                dev.kv.core.record.Mutation.put(new byte[] {1}, null, dev.kv.core.record.Sibling.NO_EXPIRY, null)));
        for (String key : new String[] {"", tooLong}) {
            assertThat(send(HttpRequest.newBuilder(uri("/internal/v1/replica?key=" + key)), true).statusCode())
                    .isEqualTo(400);
            HttpResponse<byte[]> hint = send(HttpRequest.newBuilder(uri("/internal/v1/hints?target=n9&key=" + key))
                    .header("Content-Type", "application/octet-stream")
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(record)), true);
            assertThat(hint.statusCode()).as("a hint for a key of %d characters", key.length()).isEqualTo(400);
            HttpResponse<byte[]> pull = send(HttpRequest.newBuilder(uri("/internal/v1/merkle/pull"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"keys\":[\"" + key + "\"]}")), true);
            assertThat(pull.statusCode()).as("a pull of a key of %d characters", key.length()).isEqualTo(400);
        }
    }

    /**
     * The node's cluster view keeps its wire form: these field names, and lower-case names for what a member
     * announces ({@code status}) and how this node judges it ({@code liveness}).
     */
    @Test
    void theClusterViewKeepsItsFieldsAndLowerCaseNames() throws Exception {
        JsonMapper json = JsonMapper.builder().build();
        await().atMost(Duration.ofSeconds(10)).until(() -> send(HttpRequest.newBuilder(
                uri("/internal/v1/cluster")), true).statusCode() == 200);
        JsonNode view = json.readTree(send(HttpRequest.newBuilder(uri("/internal/v1/cluster")), true).body());

        assertThat(view.propertyNames()).containsExactly("observer", "members", "topology", "streaming", "waiting");
        JsonNode self = view.get("members").get(0);
        assertThat(self.propertyNames()).containsExactly("id", "address", "generation", "version", "status",
                "liveness", "phi", "local", "state");
        assertThat(self.get("id").asString()).isEqualTo(view.get("observer").asString());
        assertThat(self.get("status").asString()).isEqualTo("normal");
        assertThat(self.get("liveness").asString()).isEqualTo("alive");
        assertThat(self.get("local").asBoolean()).isTrue();
        assertThat(view.get("streaming").has("done")).as("the progress says whether it is done").isTrue();
    }

    @Test
    void readinessOnTheManagementPortShowsItsDetailsOnlyToAHolderOfTheSecret() throws Exception {
        URI readiness = URI.create("http://127.0.0.1:" + managementPort + "/actuator/health/readiness");
        HttpResponse<byte[]> anyone = send(HttpRequest.newBuilder(readiness), false);
        HttpResponse<byte[]> member = send(HttpRequest.newBuilder(readiness), true);

        assertThat(anyone.statusCode()).isEqualTo(200);
        assertThat(new String(anyone.body(), StandardCharsets.UTF_8)).contains("UP").doesNotContain("storage");
        assertThat(member.statusCode()).isEqualTo(200);
        assertThat(new String(member.body(), StandardCharsets.UTF_8)).contains("\"storage\"").contains("UP");
        assertThat(send(HttpRequest.newBuilder(uri("/actuator/health/readiness")), true).statusCode())
                .as("Actuator is not on the data port").isEqualTo(404);
        URI batchOnManagement = URI.create("http://127.0.0.1:" + managementPort + "/internal/v1/batch");
        assertThat(send(HttpRequest.newBuilder(batchOnManagement).POST(HttpRequest.BodyPublishers.ofByteArray(
                new byte[8])), true).statusCode()).as("no replica calls on the management port").isEqualTo(404);
    }
}
