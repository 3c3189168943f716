package dev.kv.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.kv.it.TestSupport.uniqueKey;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The cluster secret rotated under load, as the README says to: every process reads it from its own file, and the
 * files are rewritten one process at a time (so members disagree for a while, as pods do when the kubelet refreshes a
 * Secret volume) in three steps — {@code old,new}, then {@code new,old}, then {@code new}. Clients write at {@code w=3}
 * and read at {@code r=3}, so a replica call refused by any node fails a request; gossip, hints and anti-entropy run
 * as usual, and the dashboard relays the gateway's admin API. The promise: not one request fails, no process refuses
 * a credential at any point ({@code kv_auth_refusals_total} stays 0 everywhere), and afterwards the old value is
 * refused.
 */
class SecretRotationTest {

    private static final Duration STAGGER = KvCluster.SECRET_RELOAD_INTERVAL.multipliedBy(2);
    private static final String REFUSALS = "kv_auth_refusals_total";

    @RegisterExtension
    static final KvClusterExtension cluster = new KvClusterExtension(KvCluster.builder().withDashboard());

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void theSecretRotatesUnderLoadWithoutOneFailedRequest() throws Exception {
        KvCluster kv = cluster.cluster();
        String old = kv.clusterSecret();
        String next = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
        List<String> processes = new ArrayList<>(List.of("n2", "gateway", "dashboard", "n1", "n3"));

        Load load = new Load(kv);
        List<Thread> clients = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            clients.add(Thread.ofPlatform().name("client-" + i).start(load::clientLoop));
        }
        clients.add(Thread.ofPlatform().name("dashboard-poller").start(load::dashboardLoop));
        try {
            load.awaitMoreOk(50);
            rewrite(kv, processes, old + "\n" + next + "\n");
            // Every process accepts the new value before any sends it.
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                for (KvNode node : kv.nodes()) {
                    assertThat(status(node.baseUri(), "internal/v1/info", next)).as(node.id()).isEqualTo(200);
                    assertThat(node.metric("kv_cluster_secret_values")).as(node.id()).isEqualTo(2);
                }
                assertThat(status(kv.gateway().baseUri(), "admin/v1/repair", next)).as("gateway").isEqualTo(200);
            });
            load.awaitMoreOk(50);

            rewrite(kv, processes, next + "\n" + old + "\n");
            kv.sendSecret(next);
            awaitReloads(kv, 2);
            load.awaitMoreOk(50);

            rewrite(kv, processes, next + "\n");
            awaitReloads(kv, 3);
            load.awaitMoreOk(50);
        } finally {
            load.stop();
            for (Thread client : clients) {
                client.join(Duration.ofSeconds(30));
            }
        }

        assertThat(load.failures).as("failed requests during the rotation (%s ok)", load.ok.get()).isEmpty();
        assertThat(load.ok.get()).isGreaterThanOrEqualTo(200);
        for (KvNode node : kv.nodes()) {
            assertThat(node.metric(REFUSALS)).as("credentials refused by %s", node.id()).isZero();
            assertThat(status(node.baseUri(), "internal/v1/info", old)).as("the retired value at %s", node.id())
                    .isEqualTo(401);
            assertThat(status(node.baseUri(), "internal/v1/info", next)).isEqualTo(200);
        }
        assertThat(gatewayMetric(kv, REFUSALS)).as("credentials refused by the gateway").isZero();
        assertThat(status(kv.gateway().baseUri(), "admin/v1/repair", old)).isEqualTo(401);
        kv.awaitGatewaySeesAllNodesUp();
        for (Path log : kv.logFiles()) {
            String text = Files.readString(log, StandardCharsets.UTF_8);
            assertThat(text).as("a secret value in %s", log.getFileName()).doesNotContain(old).doesNotContain(next);
        }
    }

    /** Writes {@code text} into each process's secret file in turn, a couple of reload intervals apart. */
    private static void rewrite(KvCluster kv, List<String> processes, String text) throws IOException,
            InterruptedException {
        for (String process : processes) {
            Path file = kv.secretFile(process);
            Path temporary = file.resolveSibling(process + ".tmp");
            Files.writeString(temporary, text);
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            // The stagger is the scenario (members disagree), not a wait for a condition.
            Thread.sleep(STAGGER.toMillis());
        }
    }

    /** Waits until every node's and the gateway's log reports its {@code count}-th reload of the secret. */
    private static void awaitReloads(KvCluster kv, int count) {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            for (Path log : kv.logFiles()) {
                long reloads = Files.readAllLines(log, StandardCharsets.UTF_8).stream()
                        .filter(line -> line.contains("cluster secret reloaded")).count();
                assertThat(reloads).as("reloads in %s", log.getFileName()).isGreaterThanOrEqualTo(count);
            }
        });
    }

    private int status(URI base, String path, String secret) {
        HttpRequest request = HttpRequest.newBuilder(base.resolve("/" + path)).timeout(Duration.ofSeconds(5))
                .header("X-KV-Cluster-Secret", secret).GET().build();
        return send(request).statusCode();
    }

    private static double gatewayMetric(KvCluster kv, String name) {
        double sum = 0;
        for (String line : kv.gateway().admin("GET", "/admin/v1/metrics").text().split("\n")) {
            if (line.startsWith(name)) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    private HttpResponse<byte[]> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Writes and reads at all three replicas, and polls the dashboard's relay of the admin API, until stopped. */
    private final class Load {
        private final KvCluster kv;
        private final AtomicBoolean stopped = new AtomicBoolean();
        private final AtomicInteger ok = new AtomicInteger();
        private final Map<String, Integer> failures = new ConcurrentSkipListMap<>();

        Load(KvCluster kv) {
            this.kv = kv;
        }

        void clientLoop() {
            while (!stopped.get()) {
                String key = uniqueKey("rotation");
                try {
                    record(kv.gateway().write(key, "v", "w=3"), 204);
                    record(kv.gateway().read(key, "r=3"), 200);
                } catch (RuntimeException e) {
                    failures.merge(e.getClass().getSimpleName(), 1, Integer::sum);
                }
            }
        }

        void dashboardLoop() {
            while (!stopped.get()) {
                HttpRequest request = HttpRequest.newBuilder(kv.dashboardUri().resolve("/api/repair"))
                        .timeout(Duration.ofSeconds(5)).GET().build();
                try {
                    int status = send(request).statusCode();
                    if (status == 200) {
                        ok.incrementAndGet();
                    } else {
                        failures.merge("dashboard /api/repair HTTP " + status, 1, Integer::sum);
                    }
                } catch (RuntimeException e) {
                    failures.merge("dashboard " + e.getClass().getSimpleName(), 1, Integer::sum);
                }
            }
        }

        private void record(Reply reply, int expected) {
            if (reply.status() == expected) {
                ok.incrementAndGet();
            } else {
                String detail = reply.isProblem() ? " " + reply.json().path("detail").asString() : "";
                failures.merge(reply.method() + " HTTP " + reply.status() + detail, 1, Integer::sum);
            }
        }

        void awaitMoreOk(int more) {
            int target = ok.get() + more;
            await().atMost(Duration.ofSeconds(30)).until(() -> ok.get() >= target || stopped.get());
        }

        void stop() {
            stopped.set(true);
        }
    }
}
