package dev.kv.gateway.support;

import dev.kv.web.testsupport.RawHttp;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A gateway on a random loopback port in front of the three {@link FakeReplicas}. Every subclass shares one Spring
 * context (same configuration) and the same replicas; stubs and recorded requests are reset before each test, and
 * each test uses keys of its own, so a late call from an earlier test cannot be mistaken for one of its own.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
public abstract class GatewayTest {

    /** Short, so that slow replicas are given up on quickly; {@link Misbehaviour#SLOW_DELAY} is far above it. */
    public static final Duration REPLICA_TIMEOUT = Duration.ofMillis(300);

    protected static final FakeReplicas replicas = FakeReplicas.shared();
    protected static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).followRedirects(HttpClient.Redirect.NORMAL).build();
    private static final AtomicInteger KEYS = new AtomicInteger();

    @LocalServerPort
    protected int port;

    @LocalManagementPort
    protected int managementPort;

    @DynamicPropertySource
    static void gatewayProperties(DynamicPropertyRegistry registry) {
        for (int i = 0; i < FakeReplicas.IDS.size(); i++) {
            String id = FakeReplicas.IDS.get(i);
            registry.add("kv.gateway.nodes[" + i + "]", () -> replicas.nodeSpec(id));
        }
        registry.add("kv.gateway.replica-timeout", () -> REPLICA_TIMEOUT.toMillis() + "ms");
        // The fakes speak the per-call internal API, one stub per call; NodeBatcherTest covers batches.
        registry.add("kv.gateway.batching.enabled", () -> "false");
        registry.add("server.address", () -> "127.0.0.1");
        // These tests are about single requests; breakers opened by one test's misbehaving replica would change the
        // next test's outcome. CircuitBreakerTest covers the breakers in a context of its own.
        registry.add("kv.gateway.resilience.circuit-breaker-enabled", () -> "false");
    }

    @BeforeEach
    void resetReplicas() {
        replicas.reset();
    }

    /** A key no other test uses; {@code purpose} keeps it readable in logs. */
    protected static String uniqueKey(String purpose) {
        return purpose + "-" + KEYS.incrementAndGet() + "-" + Long.toHexString(System.nanoTime());
    }

    protected URI uri(String rawPathAndQuery) {
        return URI.create("http://127.0.0.1:" + port + rawPathAndQuery);
    }

    /** Sends a request with the path exactly as given (no normalisation, no encoding); headers as name, value. */
    protected HttpResponse<byte[]> send(String method, String rawPathAndQuery, HttpRequest.BodyPublisher body,
                                        String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(rawPathAndQuery)).timeout(Duration.ofSeconds(10))
                .method(method, body);
        if (headers.length > 0) {
            request.headers(headers);
        }
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A GET on the management port (Actuator). */
    protected HttpResponse<byte[]> getManagement(String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + path))
                    .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    protected HttpResponse<byte[]> get(String rawPathAndQuery, String... headers) {
        return send("GET", rawPathAndQuery, HttpRequest.BodyPublishers.noBody(), headers);
    }

    protected HttpResponse<byte[]> put(String rawPathAndQuery, String value, String... headers) {
        return send("PUT", rawPathAndQuery, HttpRequest.BodyPublishers.ofString(value), headers);
    }

    protected HttpResponse<byte[]> delete(String rawPathAndQuery, String... headers) {
        return send("DELETE", rawPathAndQuery, HttpRequest.BodyPublishers.noBody(), headers);
    }

    protected static String text(HttpResponse<byte[]> response) {
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    protected static JsonNode json(HttpResponse<byte[]> response) {
        return JSON.readTree(response.body());
    }

    protected static String header(HttpResponse<byte[]> response, String name) {
        return response.headers().firstValue(name).orElse(null);
    }

    /** Asserts an RFC 9457 problem with the status and a non-blank detail, and returns its body. */
    protected static JsonNode assertProblem(HttpResponse<byte[]> response, int status) {
        return assertProblem(response.statusCode(), header(response, "Content-Type"), response.body(), status);
    }

    protected static JsonNode assertProblem(RawHttp.Response response, int status) {
        return assertProblem(response.status(), response.header("Content-Type"), response.body(), status);
    }

    private static JsonNode assertProblem(int actualStatus, String contentType, byte[] body, int status) {
        assertThat(actualStatus).as("status of %s", new String(body, StandardCharsets.UTF_8)).isEqualTo(status);
        assertThat(contentType).as(new String(body, StandardCharsets.UTF_8)).startsWith("application/problem+json");
        JsonNode problem = JSON.readTree(body);
        assertThat(problem.path("status").asInt()).isEqualTo(status);
        assertThat(problem.path("title").asString()).isNotBlank();
        assertThat(problem.path("detail").asString()).isNotBlank();
        return problem;
    }
}
