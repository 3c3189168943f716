package dev.kv.node.replica;

import dev.kv.core.codec.RecordCodec;
import dev.kv.core.record.Record;
import dev.kv.core.version.WriteIds;
import dev.kv.node.storage.RecordStore;
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
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The coordinator's side of issue 11 over the real internal API: an attempt past its deadline is refused and stores
 * nothing; the same client write is applied once however often it is attempted; a re-attempt takes the write's alias
 * dot; malformed attempt headers are a 400.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class CoordinateAttemptTest {

    private final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @Autowired
    RecordStore store;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("kv.node.data-dir", () -> {
            try {
                return Files.createTempDirectory("kv-node-attempts").toString();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        registry.add("server.address", () -> "127.0.0.1");
    }

    private HttpResponse<byte[]> coordinate(String key, String value, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/internal/v1/coordinate?op=put&key=" + Base64.getUrlEncoder().withoutPadding()
                        .encodeToString(key.getBytes(StandardCharsets.UTF_8))))
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofString(value));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private Record stored(String key) {
        return store.read(key.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void anAttemptPastItsDeadlineIsRefusedWith503AndStoresNothing() throws Exception {
        long past = System.currentTimeMillis() - 1;

        HttpResponse<byte[]> response = coordinate("late", "v1", "X-KV-Write-Id", WriteIds.format(11),
                "X-KV-Deadline", Long.toString(past));

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(new String(response.body(), StandardCharsets.UTF_8)).contains("deadline-passed", "not applied");
        assertThat(stored("late").isEmpty()).isTrue();
    }

    @Test
    void anAttemptWithinItsDeadlineIsAppliedOnceHoweverOftenItIsSent() throws Exception {
        String deadline = Long.toString(System.currentTimeMillis() + 60_000);
        HttpResponse<byte[]> first = coordinate("once", "v1", "X-KV-Write-Id", WriteIds.format(12),
                "X-KV-Deadline", deadline);
        HttpResponse<byte[]> again = coordinate("once", "v1", "X-KV-Write-Id", WriteIds.format(12),
                "X-KV-Deadline", deadline);
        HttpResponse<byte[]> reattempt = coordinate("once", "v1", "X-KV-Write-Id", WriteIds.format(12),
                "X-KV-Deadline", deadline, "X-KV-Reattempt", "true");

        assertThat(first.statusCode()).isEqualTo(200);
        Record written = RecordCodec.decode(first.body());
        assertThat(written.siblings()).singleElement().satisfies(s -> assertThat(s.writeId()).isEqualTo(12));
        assertThat(RecordCodec.decode(again.body())).isEqualTo(written);
        assertThat(RecordCodec.decode(reattempt.body())).isEqualTo(written);
        assertThat(stored("once")).isEqualTo(written);
    }

    @Test
    void aReattemptTakesTheWritesAliasDot() throws Exception {
        HttpResponse<byte[]> response = coordinate("alias", "v1", "X-KV-Write-Id", WriteIds.format(13),
                "X-KV-Reattempt", "true");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(RecordCodec.decode(response.body()).siblings()).singleElement()
                .satisfies(s -> assertThat(s.dot()).isEqualTo(WriteIds.aliasDot(13)));
    }

    @Test
    void malformedAttemptHeadersAreABadRequestAndStoreNothing() throws Exception {
        assertThat(coordinate("bad", "v", "X-KV-Write-Id", "xyz").statusCode()).isEqualTo(400);
        assertThat(coordinate("bad", "v", "X-KV-Reattempt", "true").statusCode()).isEqualTo(400);
        assertThat(coordinate("bad", "v", "X-KV-Deadline", "soon").statusCode()).isEqualTo(400);
        assertThat(stored("bad").isEmpty()).isTrue();
    }
}
