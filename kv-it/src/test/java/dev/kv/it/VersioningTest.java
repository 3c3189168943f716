package dev.kv.it;

import dev.kv.core.Limits;
import dev.kv.core.record.Record;
import dev.kv.core.record.Sibling;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static dev.kv.it.TestSupport.expectProblem;
import static dev.kv.it.TestSupport.expectStatus;
import static dev.kv.it.TestSupport.liveValues;
import static dev.kv.it.TestSupport.uniqueKey;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Versions, conflicts and repair in vector-clock mode (DESIGN §3, §4), checked on every replica through the nodes'
 * internal API: concurrent writes with one context survive as siblings whichever coordinators took them, a context
 * covering the siblings resolves them, quorum reads repair stale replicas, and nothing deleted or expired comes back.
 */
class VersioningTest {

    @RegisterExtension
    // Read repair must be seen at work alone: hinted handoff and anti-entropy would repair replicas by themselves.
    static final KvClusterExtension cluster = new KvClusterExtension(KvCluster.builder().withoutBackgroundRepair());

    private static final Duration CONVERGENCE = Duration.ofSeconds(5);

    @Test
    void concurrentWritesWithOneContextThroughTheSameCoordinatorBothSurviveAsSiblings() {
        GatewayClient gateway = cluster.gateway();
        String key = uniqueKey("siblings-same-coordinator");
        expectStatus(gateway.write(key, "base", "w=all"), 204);
        String context = expectStatus(gateway.read(key), 200).context();

        // Both writes go to the first replica of the preference list, each with the context of the same read.
        expectStatus(gateway.put(key).context(context).text("left").send(), 204);
        Reply second = expectStatus(gateway.put(key).context(context).text("right").send(), 204);
        assertThat(second.header("X-KV-Siblings")).as(second::toString).isEqualTo("2");

        Reply conflict = expectStatus(gateway.read(key, "r=all"), 300);
        assertSiblings(conflict, "left", "right");
        resolveAndCheck(key, conflict, "resolved");
    }

    @Test
    void concurrentWritesWithOneContextThroughDifferentCoordinatorsBothSurviveAsSiblings() {
        GatewayClient gateway = cluster.gateway();
        String key = uniqueKey("siblings-different-coordinators");
        expectStatus(gateway.write(key, "base", "w=all"), 204);
        String context = expectStatus(gateway.read(key), 200).context();
        List<KvNode> replicas = preferenceList(key);

        // Two clients write concurrently through two coordinators, each unaware of the other's write; replication
        // then brings each write to every replica.
        Record left = replicas.get(0).internalCoordinate(key, "left", "text/plain", context);
        Record right = replicas.get(1).internalCoordinate(key, "right", "text/plain", context);
        replicas.get(1).internalMerge(key, left);
        replicas.get(2).internalMerge(key, left);
        replicas.get(0).internalMerge(key, right);
        replicas.get(2).internalMerge(key, right);
        for (KvNode replica : replicas) {
            assertThat(liveValues(replica.internalRead(key))).as(replica.id())
                    .containsExactlyInAnyOrder("left", "right");
        }

        Reply conflict = expectStatus(gateway.read(key), 300);
        assertSiblings(conflict, "left", "right");
        resolveAndCheck(key, conflict, "resolved");
    }

    @Test
    void siblingsAreBoundedAndAWriteBeyondTheLimitIsRefusedWith409() {
        GatewayClient gateway = cluster.gateway();
        String key = uniqueKey("sibling-limit");
        expectStatus(gateway.write(key, "base", "w=all"), 204);
        String context = expectStatus(gateway.read(key), 200).context();
        String[] values = new String[Limits.SIBLINGS_MAX];
        for (int i = 0; i < values.length; i++) {
            values[i] = "concurrent " + i;
            Reply put = expectStatus(gateway.put(key).context(context).text(values[i]).params("w=all").send(), 204);
            assertThat(put.header("X-KV-Siblings")).as(put::toString).isEqualTo(i == 0 ? null : String.valueOf(i + 1));
        }

        Reply refused = expectProblem(gateway.put(key).context(context).text("one too many").send(), 409);
        assertThat(refused.json().get("detail").asString()).contains(String.valueOf(Limits.SIBLINGS_MAX));

        Reply conflict = expectStatus(gateway.read(key, "r=all"), 300);
        assertSiblings(conflict, values);
        resolveAndCheck(key, conflict, "resolved");
    }

    @Test
    void quorumReadReturnsTheNewestVersionAndRepairsTheStaleReplica() {
        GatewayClient gateway = cluster.gateway();
        String key = uniqueKey("read-repair");
        expectStatus(gateway.write(key, "v1", "w=all"), 204);
        List<KvNode> replicas = preferenceList(key);

        // v2 reaches two replicas only; the third keeps v1, as if it had missed the replication.
        Record v2 = replicas.get(0).internalCoordinate(key, "v2", "text/plain", null);
        replicas.get(1).internalMerge(key, v2);
        KvNode stale = replicas.get(2);
        assertThat(liveValues(stale.internalRead(key))).as("precondition: %s is stale", stale.id())
                .containsExactly("v1");

        Reply get = expectStatus(gateway.read(key, "r=all"), 200);
        assertThat(get.text()).isEqualTo("v2");

        await("read repair of " + stale.id()).atMost(CONVERGENCE).untilAsserted(() -> {
            Record repaired = stale.internalRead(key);
            assertThat(liveValues(repaired)).containsExactly("v2");
            assertThat(repaired.sameVersionAs(v2)).as("%s same version as %s", repaired, v2).isTrue();
        });
    }

    @Test
    void valueWithTtlIsReadableWithItsExpiryThenNotFoundOnEveryReplica() {
        GatewayClient gateway = cluster.gateway();
        String key = uniqueKey("ttl");
        long before = System.currentTimeMillis();
        expectStatus(gateway.write(key, "ephemeral", "ttl=1", "w=all"), 204);
        long after = System.currentTimeMillis();

        Reply fresh = expectStatus(gateway.read(key), 200);
        assertThat(fresh.text()).isEqualTo("ephemeral");
        Instant expiresAt = Instant.parse(fresh.header("X-KV-Expires-At"));
        assertThat(expiresAt.toEpochMilli()).as("expiry one second after the write")
                .isBetween(before + 1000 - 50, after + 1000 + 50);

        await("expiry of " + key).atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
                .until(() -> gateway.read(key).status() == 404);
        expectProblem(gateway.read(key, "r=all"), 404);
        for (KvNode node : cluster.nodes()) {
            Record record = node.internalRead(key);
            assertThat(record.isEmpty()).as("%s keeps the expired version as a tombstone", node.id()).isFalse();
            assertThat(liveValues(record)).as(node.id()).isEmpty();
        }
    }

    @Test
    void expiredValueIsNotResurrectedByAReplicaThatStillHoldsTheOlderVersion() {
        GatewayClient gateway = cluster.gateway();
        String key = uniqueKey("ttl-no-resurrection");
        expectStatus(gateway.write(key, "durable", "w=all"), 204);
        List<KvNode> replicas = preferenceList(key);
        Record older = replicas.get(2).internalRead(key);

        // The TTL version reaches two replicas; the third still holds the older value without expiry.
        Record ephemeral = replicas.get(0).internalCoordinate(key, "ephemeral", "text/plain", null, 1L);
        replicas.get(1).internalMerge(key, ephemeral);
        long expiresAt = ephemeral.siblings().getFirst().expiresAtMillis();
        await("the TTL passes").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                .until(() -> System.currentTimeMillis() > expiresAt);

        // A quorum read merges the stale replica's older value with the expired version: still absent, and the
        // stale replica is repaired to the expired version instead of the older value spreading.
        expectProblem(gateway.read(key, "r=all"), 404);
        await("repair of " + replicas.get(2).id()).atMost(CONVERGENCE).untilAsserted(() ->
                assertThat(replicas.get(2).internalRead(key).sameVersionAs(ephemeral)).isTrue());

        // A late copy of the older version (a slow replication, a hint) arriving anywhere changes nothing.
        for (KvNode replica : replicas) {
            replica.internalMerge(key, older);
        }
        for (int i = 0; i < 5; i++) {
            expectProblem(gateway.read(key, "consistency=eventual"), 404);
        }
        expectProblem(gateway.read(key, "r=all"), 404);
        for (KvNode replica : replicas) {
            assertThat(liveValues(replica.internalRead(key))).as(replica.id()).isEmpty();
        }
    }

    @Test
    void deletedValueIsNotResurrectedByMergingTheOlderVersion() {
        GatewayClient gateway = cluster.gateway();
        String key = uniqueKey("delete-no-resurrection");
        expectStatus(gateway.write(key, "doomed", "w=all"), 204);
        Record older = cluster.node(0).internalRead(key);
        Reply deleted = expectStatus(gateway.remove(key, "w=all"), 204);

        for (KvNode replica : cluster.nodes()) {
            replica.internalMerge(key, older);
        }
        Reply absent = expectProblem(gateway.read(key, "r=all"), 404);
        assertThat(absent.context()).as("a 404 of a tombstone carries its context").isEqualTo(deleted.context());
        for (KvNode replica : cluster.nodes()) {
            Record record = replica.internalRead(key);
            assertThat(liveValues(record)).as(replica.id()).isEmpty();
            assertThat(record.siblings()).as(replica.id()).allMatch(Sibling::tombstone);
        }

        // Writing with the tombstone's context starts afresh: one value, no sibling of the tombstone.
        Reply rewritten = expectStatus(gateway.put(key).context(absent.context()).text("reborn").send(), 204);
        assertThat(rewritten.optionalHeader("X-KV-Siblings")).isEmpty();
        assertThat(expectStatus(gateway.read(key, "r=all"), 200).text()).isEqualTo("reborn");
    }

    private static List<KvNode> preferenceList(String key) {
        return cluster.gateway().preferenceList(key).stream().map(cluster::node).toList();
    }

    /** A 300 with exactly these sibling values and one context covering them all. */
    static void assertSiblings(Reply conflict, String... values) {
        assertThat(conflict.contentType()).startsWith("application/json");
        assertThat(conflict.header("X-KV-Siblings")).isEqualTo(String.valueOf(values.length));
        assertThat(conflict.json().has("value")).as("no single value in a 300: %s", conflict).isFalse();
        assertThat(conflict.siblingValues()).containsExactlyInAnyOrder(values);
        assertThat(conflict.json().get("context").asString()).isEqualTo(conflict.context()).isNotBlank();
    }

    /** A write with the 300's context supersedes every sibling: one value afterwards, on every replica. */
    static void resolveAndCheck(String key, Reply conflict, String value) {
        GatewayClient gateway = cluster.gateway();
        Reply resolved = expectStatus(gateway.put(key).context(conflict.context()).text(value).send(), 204);
        assertThat(resolved.optionalHeader("X-KV-Siblings")).as(resolved::toString).isEmpty();
        Reply get = expectStatus(gateway.read(key, "r=all"), 200);
        assertThat(get.text()).isEqualTo(value);
        for (KvNode node : cluster.nodes()) {
            await().atMost(CONVERGENCE).untilAsserted(() ->
                    assertThat(liveValues(node.internalRead(key))).as(node.id()).containsExactly(value));
        }
    }
}
