package dev.kv.gateway;

import dev.kv.core.contract.FailureKind;
import dev.kv.core.record.Record;
import dev.kv.gateway.replica.ReplicaException;
import dev.kv.gateway.replica.ReplicaGuard;
import dev.kv.gateway.support.FakeReplicas;
import dev.kv.gateway.support.Versions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The per-node circuit breaker, in a gateway context of its own (the other gateway tests switch breakers off): a
 * replica that keeps failing is cut off, so requests stop waiting on it and stop calling it, and the cluster view
 * says so.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class CircuitBreakerTest {

    private static final FakeReplicas replicas = FakeReplicas.shared();
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        for (int i = 0; i < FakeReplicas.IDS.size(); i++) {
            String id = FakeReplicas.IDS.get(i);
            registry.add("kv.gateway.nodes[" + i + "]", () -> replicas.nodeSpec(id));
        }
        registry.add("kv.gateway.replica-timeout", () -> "300ms");
        registry.add("kv.gateway.batching.enabled", () -> "false"); // the fakes speak the per-call API
        registry.add("kv.gateway.resilience.sliding-window", () -> "4");
        registry.add("kv.gateway.resilience.minimum-calls", () -> "4");
        registry.add("kv.gateway.resilience.open-wait", () -> "60s");
        registry.add("server.address", () -> "127.0.0.1");
    }

    @Autowired
    ReplicaGuard guard;

    @BeforeEach
    void reset() {
        replicas.reset();
        FakeReplicas.IDS.forEach(guard::reset);
    }

    /** Opens the node's breaker as four timed-out calls do. */
    private void cutOff(String node) {
        for (int i = 0; i < 4; i++) {
            guard.call(node, () -> CompletableFuture.failedFuture(
                    new ReplicaException(node, FailureKind.TIMEOUT, "timed out", null)));
        }
        assertThat(guard.state(node)).isEqualTo("open");
    }

    private HttpResponse<String> put(String path, String value) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .PUT(HttpRequest.BodyPublishers.ofString(value)).header("Content-Type", "text/plain")
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aReplicaThatKeepsFailingIsCutOffAndShownAsSuch() throws Exception {
        String key = "breaker-" + System.nanoTime();
        Record stored = Versions.put(Record.EMPTY, "v", "n1:1");
        replicas.stubReadEverywhere(key, stored);
        String failing = replicas.preferenceList(key).get(1);
        replicas.stub(failing, FakeReplicas.replicaRead(key), FakeReplicas.problem(500, "broken"));

        for (int i = 0; i < 10; i++) {
            assertThat(get("/v1/kv/" + key).statusCode()).isEqualTo(200);
        }

        int callsSeen = replicas.server(failing).findAll(getRequestedFor(urlPathEqualTo(FakeReplicas.REPLICA_PATH)))
                .size();
        assertThat(callsSeen).as("calls let through before the breaker opened").isLessThan(10);
        JsonNode cluster = JSON.readTree(get("/v1/cluster").body());
        List<String> open = cluster.get("members").valueStream()
                .filter(m -> m.get("circuitBreaker").asString().equals("open"))
                .map(m -> m.get("id").asString()).toList();
        assertThat(open).containsExactly(failing);
        assertThat(get("/admin/v1/metrics").body())
                .containsPattern("resilience4j_circuitbreaker_state\\{[^}]*name=\"" + failing
                        + "\"[^}]*state=\"open\"[^}]*} 1");
    }

    @Test
    void aStrictWriteThatNeedsAReplicaBehindAnOpenBreakerTriesItAndTheBreakerClosesWhenItAnswers()
            throws Exception {
        String key = "probe-" + System.nanoTime();
        List<String> replicasOfKey = replicas.preferenceList(key);
        String cutOff = replicasOfKey.get(1);
        String failing = replicasOfKey.get(2);
        Record written = Versions.put(Record.EMPTY, "v", replicasOfKey.get(0) + ":1");
        replicas.stubWritesEverywhere(key, written);
        replicas.stub(failing, FakeReplicas.replicaMerge(key), FakeReplicas.problem(500, "broken"));
        replicas.stub(failing, FakeReplicas.hint(key), FakeReplicas.problem(500, "broken"));
        cutOff(cutOff);

        HttpResponse<String> response = put("/v1/kv/" + key + "?consistency=strong", "v");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(204);
        assertThat(replicas.server(cutOff).findAll(putRequestedFor(urlPathEqualTo(FakeReplicas.REPLICA_PATH))))
                .as("the copy sent through the open breaker").hasSize(1);
        assertThat(guard.state(cutOff)).isEqualTo("closed");
    }

    @Test
    void anOpenBreakerLetsOneProbeThroughAtATime() {
        cutOff("n1");
        CompletableFuture<String> pending = new CompletableFuture<>();
        CompletableFuture<String> probe = guard.call("n1", () -> pending);
        CompletableFuture<String> second = guard.call("n1", () -> CompletableFuture.completedFuture("called"));

        assertThat(second).isCompletedExceptionally();
        assertThat(second.exceptionNow()).isInstanceOfSatisfying(ReplicaException.class,
                e -> assertThat(e.kind()).isEqualTo(FailureKind.CIRCUIT_OPEN));
        pending.completeExceptionally(new ReplicaException("n1", FailureKind.TIMEOUT, "timed out", null));
        assertThat(probe).isCompletedExceptionally();
        assertThat(guard.state("n1")).as("a failed probe leaves the breaker open").isEqualTo("open");
        assertThat(guard.call("n1", () -> CompletableFuture.completedFuture("back")).join()).isEqualTo("back");
        assertThat(guard.state("n1")).isEqualTo("closed");
    }
}
