package dev.kv.it;

import dev.kv.core.merkle.RecordDigest;
import dev.kv.core.record.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.kv.it.TestSupport.expectStatus;
import static dev.kv.it.TestSupport.liveValues;
import static dev.kv.it.TestSupport.uniqueKey;
import static dev.kv.it.TestSupport.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 4 on real processes: replicas that drifted apart converge through Merkle anti-entropy alone. Hinted handoff
 * is off, so whatever a returning node catches up on comes from anti-entropy, and no test reads through the gateway
 * before convergence is established, so read repair cannot help either. Background exchanges run every second.
 */
class AntiEntropyTest {

    /** The bound we promise with {@code kv.antientropy.interval=1s} (measured: a few seconds, see the log). */
    private static final Duration CONVERGENCE_BOUND = Duration.ofSeconds(45);

    @RegisterExtension
    static final KvClusterExtension cluster = new KvClusterExtension(KvCluster.builder()
            .nodeArguments("--kv.hints.enabled=false", "--kv.antientropy.interval=1s"));

    @Test
    void replicasThatMissedWritesAndDeletesConvergeWithoutAnyClientRead() {
        KvCluster kv = cluster.cluster();
        String prefix = uniqueKey("diverge");
        List<String> keys = writeEverywhere(kv, prefix, 200);
        KvNode lagging = kv.node("n3");
        lagging.kill();
        kv.awaitGatewaySeesDown(lagging);

        for (int i = 0; i < 100; i++) {
            expectStatus(kv.gateway().write(keys.get(i), "v2 " + i), 204);
        }
        for (int i = 100; i < 150; i++) {
            expectStatus(kv.gateway().remove(keys.get(i)), 204);
        }
        List<String> added = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            added.add(prefix + "/added/" + i);
            expectStatus(kv.gateway().write(added.getLast(), "added " + i), 204);
        }
        List<String> direct = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            direct.add(prefix + "/direct/" + i);
            kv.node("n1").internalCoordinate(direct.getLast(), "direct " + i, "text/plain", null);
        }
        assertThat(lagging.isRunning()).isFalse();

        lagging.start();
        Duration took = awaitTreeRootsEqual(kv);
        System.out.println("[kv-it] a node back from downtime (200 writes, 50 deletes, 20 single-replica writes"
                + " missed) converged by anti-entropy alone " + took.toMillis() + " ms after it was ready");

        List<String> all = new ArrayList<>(keys);
        all.addAll(added);
        all.addAll(direct);
        assertIdenticalOnEveryNode(kv, all);
        for (int i = 0; i < 100; i++) {
            assertThat(liveValues(lagging.internalRead(keys.get(i)))).as(keys.get(i)).containsExactly("v2 " + i);
        }
        for (int i = 100; i < 150; i++) {
            Record record = lagging.internalRead(keys.get(i));
            assertThat(record.isEmpty()).as(keys.get(i) + " holds a tombstone").isFalse();
            assertThat(record.isDeadAt(System.currentTimeMillis())).as(keys.get(i) + " is deleted").isTrue();
        }
        for (int i = 0; i < direct.size(); i++) {
            assertThat(liveValues(kv.node("n2").internalRead(direct.get(i)))).containsExactly("direct " + i);
            assertThat(liveValues(lagging.internalRead(direct.get(i)))).containsExactly("direct " + i);
        }
    }

    @Test
    void deletedAndExpiredKeysStayGoneAfterAntiEntropyEvenWhenAReplicaMissedTheDelete() {
        KvCluster kv = cluster.cluster();
        String prefix = uniqueKey("gone");
        List<String> keys = writeEverywhere(kv, prefix, 40);
        KvNode lagging = kv.node("n2");
        lagging.kill();
        kv.awaitGatewaySeesDown(lagging);

        List<String> deleted = keys.subList(0, 20);
        List<String> expiring = keys.subList(20, 40);
        deleted.forEach(key -> expectStatus(kv.gateway().remove(key), 204));
        expiring.forEach(key -> expectStatus(kv.gateway().write(key, "short-lived", "ttl=1"), 204));
        await("the short-lived versions have expired on the replicas that hold them")
                .atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                .until(() -> expiring.stream().allMatch(key ->
                        kv.node("n1").internalRead(key).isDeadAt(System.currentTimeMillis())));

        lagging.start();
        awaitTreeRootsEqual(kv);

        assertIdenticalOnEveryNode(kv, keys);
        long now = System.currentTimeMillis();
        for (String key : keys) {
            assertThat(lagging.internalRead(key).isDeadAt(now)).as(key + " dead on the returning replica").isTrue();
            expectStatus(kv.gateway().read(key, "r=3"), 404);
        }
        for (String key : keys) {
            assertThat(lagging.internalRead(key).isDeadAt(System.currentTimeMillis()))
                    .as(key + " still dead after reads at r=3").isTrue();
        }
    }

    @Test
    void aNodeWhoseDataDirectoryWasWipedIsRebuiltByAntiEntropyAlone() {
        KvCluster kv = cluster.cluster();
        String prefix = uniqueKey("wiped");
        List<String> keys = writeEverywhere(kv, prefix, 150);
        for (String key : keys.subList(0, 15)) {
            expectStatus(kv.gateway().remove(key, "w=3"), 204);
        }
        KvNode wiped = kv.node("n2");
        String actorBefore = wiped.info().get("actor").asString();
        wiped.kill();
        deleteRecursively(wiped.dataDirectory());
        assertThat(wiped.dataDirectory()).as("nothing survives the wipe").doesNotExist();

        // The node knows the ring from its first moment (it is an initial member), so anti-entropy may already be
        // bringing keys back by the time it is ready: what it holds now is not checked, only that it converges.
        wiped.start();
        Duration took = awaitTreeRootsEqual(kv);
        System.out.println("[kv-it] a wiped node was rebuilt by anti-entropy alone " + took.toMillis()
                + " ms after it was ready");

        assertIdenticalOnEveryNode(kv, keys);
        assertThat(wiped.internalRead(keys.getFirst()).isDeadAt(System.currentTimeMillis())).isTrue();
        assertThat(liveValues(wiped.internalRead(keys.getLast()))).containsExactly("v1 149");
        assertThat(wiped.info().get("actor").asString()).isNotEqualTo(actorBefore);
    }

    /** Writes {@code count} keys with w=3, so every replica holds them. */
    static List<String> writeEverywhere(KvCluster kv, String prefix, int count) {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            keys.add(prefix + "/" + i);
            expectStatus(kv.gateway().write(keys.getLast(), "v1 " + i, "w=3"), 204);
        }
        return keys;
    }

    /**
     * Waits (no client reads, only the nodes' repair status) until every node reports the same ranges with the same
     * Merkle roots, and answers how long that took.
     */
    static Duration awaitTreeRootsEqual(KvCluster kv) {
        long start = System.nanoTime();
        await("every replica's Merkle roots are equal").atMost(CONVERGENCE_BOUND).pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    List<Map<String, String>> roots = kv.nodes().stream().map(KvNode::treeRoots).toList();
                    return !roots.getFirst().isEmpty() && roots.stream().allMatch(roots.getFirst()::equals);
                });
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /** Every node holds the same version (clock, dots, tombstones, expiries) and the same values of every key. */
    static void assertIdenticalOnEveryNode(KvCluster kv, List<String> keys) {
        for (String key : keys) {
            Record first = kv.node("n1").internalRead(key);
            assertThat(first.isEmpty() && first.clock().isEmpty()).as(key + " is held by n1").isFalse();
            for (KvNode node : kv.nodes()) {
                Record record = node.internalRead(key);
                assertThat(RecordDigest.of(utf8(key), record)).as(key + " version on " + node.id())
                        .isEqualTo(RecordDigest.of(utf8(key), first));
                assertThat(TestSupport.allValues(record)).as(key + " values on " + node.id())
                        .containsExactlyInAnyOrderElementsOf(TestSupport.allValues(first));
            }
        }
    }

    static void deleteRecursively(Path directory) {
        try {
            KvCluster.deleteRecursively(directory);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
