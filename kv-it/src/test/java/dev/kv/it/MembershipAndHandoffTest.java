package dev.kv.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static dev.kv.it.TestSupport.expectStatus;
import static dev.kv.it.TestSupport.liveValues;
import static dev.kv.it.TestSupport.uniqueKey;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 3 on real processes: gossip membership from seeds, phi-accrual detection, the gateway's breakers, and
 * hinted handoff. Anti-entropy is off so that what reaches a recovered node is known to come from hints.
 */
class MembershipAndHandoffTest {

    /** The bound we promise for "a killed node is seen down everywhere" (measured: about 3-5 s, see the log). */
    private static final Duration DETECTION_BOUND = Duration.ofSeconds(10);

    @RegisterExtension
    static final KvClusterExtension cluster = new KvClusterExtension(KvCluster.builder()
            .nodeArguments("--kv.antientropy.enabled=false"));

    private static List<String> liveness(JsonNode view, String id) {
        List<String> result = new ArrayList<>();
        view.get("members").valueStream().filter(m -> m.get("id").asString().equals(id))
                .forEach(m -> result.add(m.get("liveness").asString() + "@" + m.get("generation").asLong()));
        return result;
    }

    @Test
    void nodesStartedWithSeedsAloneConvergeAndAKilledNodeIsSeenDownEverywhereThenBackWithANewGeneration() {
        KvCluster kv = cluster.cluster();
        for (KvNode node : kv.nodes()) {
            assertThat(node.clusterView().get("members").valueStream().map(m -> m.get("id").asString()).toList())
                    .as("membership seen by " + node.id()).containsExactly("n1", "n2", "n3");
        }
        KvNode victim = kv.node("n3");
        long generationBefore = kv.node("n1").clusterView().get("members").valueStream()
                .filter(m -> m.get("id").asString().equals("n3")).findFirst().orElseThrow().get("generation").asLong();

        long killedAt = System.nanoTime();
        victim.kill();
        await("every node and the gateway see n3 down").atMost(DETECTION_BOUND).pollInterval(Duration.ofMillis(100))
                .until(() -> liveness(kv.node("n1").clusterView(), "n3").getFirst().startsWith("down")
                        && liveness(kv.node("n2").clusterView(), "n3").getFirst().startsWith("down")
                        && kv.gateway().cluster().get("members").valueStream()
                        .anyMatch(m -> m.get("id").asString().equals("n3")
                                && m.get("status").asString().equals("down")));
        long detectionMillis = Duration.ofNanos(System.nanoTime() - killedAt).toMillis();
        System.out.println("[kv-it] killed node seen down by every node and the gateway after " + detectionMillis
                + " ms");

        victim.start();
        await("n3 seen alive again with a new generation").atMost(DETECTION_BOUND).until(() -> {
            String state = liveness(kv.node("n1").clusterView(), "n3").getFirst();
            return state.startsWith("alive") && !state.endsWith("@" + generationBefore);
        });
    }

    @Test
    void killingOneNodeUnderASteadyStreamOfW2WritesFailsNoRequest() throws Exception {
        KvCluster kv = cluster.cluster();
        WriteStream stream = new WriteStream(kv.gateway(), uniqueKey("steady"), Duration.ofSeconds(60));
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try {
            Future<?> writer = executor.submit(stream);
            stream.awaitAcknowledged(50);
            kv.node("n2").kill();
            int atKill = stream.acknowledgedCount();
            stream.awaitAcknowledged(atKill + 150);
            stream.stop();
            writer.get(30, TimeUnit.SECONDS);
        } finally {
            executor.shutdownNow();
        }
        System.out.println("[kv-it] steady stream: " + stream.attempted() + " writes, " + stream.failed()
                + " failed " + stream.failures());
        assertThat(stream.failed()).as("failed writes " + stream.failures()).isZero();
    }

    @Test
    void eventualWritesWithANodeDownReachItThroughHintsWhenItComesBack() {
        KvCluster kv = cluster.cluster();
        KvNode victim = kv.node("n1");
        victim.kill();
        kv.awaitGatewaySeesDown(victim);
        String prefix = uniqueKey("hinted");
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            String key = prefix + "/" + i;
            expectStatus(kv.gateway().write(key, "hinted " + i, "consistency=eventual"), 204);
            keys.add(key);
        }
        await("a hint held for n1 for every write").atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(kv.node("n2").hints().get("pendingByTarget").path("n1").asLong()
                        + kv.node("n3").hints().get("pendingByTarget").path("n1").asLong())
                        .as("hints held for n1 while it is down").isEqualTo(keys.size()));

        victim.start();
        await("hints delivered and hint storage empty again").atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> {
                    for (KvNode holder : List.of(kv.node("n2"), kv.node("n3"))) {
                        assertThat(holder.hints().get("bytes").asLong()).as(holder.id() + " hint bytes").isZero();
                    }
                });
        for (int i = 0; i < keys.size(); i++) {
            assertThat(liveValues(victim.internalRead(keys.get(i)))).as(keys.get(i))
                    .containsExactly("hinted " + i);
        }
    }

    @Test
    void aPausedNodeNeverMakesARequestSlowerThanASecondAndCostsNothingOnceMarked() {
        KvCluster kv = cluster.cluster();
        KvNode paused = kv.node("n2");
        String prefix = uniqueKey("paused");
        paused.pause();
        try {
            long[] whileDetecting = timeRequests(kv.gateway(), prefix + "/a", 60);
            assertThat(Arrays.stream(whileDetecting).max().orElseThrow()).as("slowest request while detecting (ms)")
                    .isLessThan(1000);
            await("the gateway stops calling the paused node").atMost(DETECTION_BOUND).until(() ->
                    kv.gateway().cluster().get("members").valueStream()
                            .filter(m -> m.get("id").asString().equals("n2"))
                            .anyMatch(m -> m.get("status").asString().equals("down")
                                    || m.get("circuitBreaker").asString().equals("open")));
            long[] marked = timeRequests(kv.gateway(), prefix + "/b", 200);
            Arrays.sort(marked);
            long p99 = marked[(int) Math.ceil(marked.length * 0.99) - 1];
            System.out.println("[kv-it] paused node: slowest while detecting " + Arrays.stream(whileDetecting).max()
                    .orElseThrow() + " ms; once marked p50 " + marked[marked.length / 2] + " ms, p99 " + p99 + " ms");
            assertThat(p99).as("p99 once the paused node is marked (ms)").isLessThan(50);
        } finally {
            paused.resume();
        }
        kv.awaitGatewaySeesAllNodesUp();
    }

    /** PUT at w=2 then GET of {@code count} keys; answers each request's latency in ms. */
    private static long[] timeRequests(GatewayClient gateway, String prefix, int count) {
        long[] latencies = new long[count * 2];
        for (int i = 0; i < count; i++) {
            String key = prefix + "/" + i;
            long start = System.nanoTime();
            expectStatus(gateway.write(key, "v" + i, "w=2"), 204);
            latencies[2 * i] = Duration.ofNanos(System.nanoTime() - start).toMillis();
            start = System.nanoTime();
            expectStatus(gateway.read(key), 200);
            latencies[2 * i + 1] = Duration.ofNanos(System.nanoTime() - start).toMillis();
        }
        return latencies;
    }

    @Test
    void restartingTheGatewayLosesNothingAndNeedsNoReconfiguration() {
        KvCluster kv = cluster.cluster();
        String prefix = uniqueKey("gateway-restart");
        for (int i = 0; i < 20; i++) {
            expectStatus(kv.gateway().write(prefix + "/" + i, "kept " + i), 204);
        }
        kv.restartGateway();
        kv.awaitGatewaySeesAllNodesUp();
        for (int i = 0; i < 20; i++) {
            assertThat(expectStatus(kv.gateway().read(prefix + "/" + i), 200).text()).isEqualTo("kept " + i);
        }
    }
}
