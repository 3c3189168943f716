package dev.kv.it;

import dev.kv.core.codec.RecordBatchCodec;
import dev.kv.core.record.ConflictMode;
import dev.kv.core.record.Mutation;
import dev.kv.core.record.Record;
import dev.kv.core.record.Versioning;
import dev.kv.core.version.HybridLogicalClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static dev.kv.it.TestSupport.liveValues;
import static dev.kv.it.TestSupport.uniqueKey;
import static dev.kv.it.TestSupport.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Anti-entropy started by hand ({@code POST /admin/v1/repair}) with background exchanges off, so that a test decides
 * exactly when replicas compare: what an exchange costs over 100,000 keys, and a node restored from an old copy.
 */
class ManualRepairTest {

    private static final int KEYS = 100_000;
    private static final int DIFFERING = 100;
    private static final int VALUE_BYTES = 100;
    private static final int BATCH = 2_000;

    @RegisterExtension
    static final KvClusterExtension cluster = new KvClusterExtension(KvCluster.builder()
            .nodeArguments("--kv.hints.enabled=false", "--kv.antientropy.enabled=false"));

    private final Versioning versioning = ConflictMode.VECTOR_CLOCK.versioning();

    @Test
    void anExchangeOverAHundredThousandKeysWithAHundredDifferingMovesUnderOnePercentOfTheData() {
        KvCluster kv = cluster.cluster();
        long now = System.currentTimeMillis();
        List<RecordBatchCodec.KeyedRecord> all = new ArrayList<>(KEYS);
        long dataSetBytes = 0;
        for (int from = 0; from < KEYS; from += BATCH) {
            List<RecordBatchCodec.KeyedRecord> batch = new ArrayList<>(BATCH);
            for (int i = from; i < from + BATCH; i++) {
                batch.add(new RecordBatchCodec.KeyedRecord(utf8(key(i)), write(Record.EMPTY, value(i, 'a'), now)));
            }
            dataSetBytes += RecordBatchCodec.encode(batch).length;
            kv.nodes().forEach(node -> node.push(batch));
            all.addAll(batch);
        }
        KvNode ahead = kv.node("n1");
        List<Integer> differing = new ArrayList<>();
        List<RecordBatchCodec.KeyedRecord> newer = new ArrayList<>();
        for (int i = 0; i < DIFFERING; i++) {
            int index = i * (KEYS / DIFFERING) + 7;
            differing.add(index);
            newer.add(new RecordBatchCodec.KeyedRecord(all.get(index).key(),
                    write(all.get(index).record(), value(index, 'b'), now)));
        }
        ahead.push(newer);
        assertThat(ahead.treeRoots()).isNotEqualTo(kv.node("n2").treeRoots());

        awaitRepairFinished(ahead, ahead.startRepair().get("id").asLong());

        List<JsonNode> exchanges = ahead.repairStatus().get("exchanges").valueStream().toList();
        assertThat(exchanges).extracting(e -> e.get("peer").asString()).containsExactlyInAnyOrder("n2", "n3");
        for (JsonNode exchange : exchanges) {
            long bytes = exchange.get("bytesExchanged").asLong();
            double percent = 100.0 * bytes / dataSetBytes;
            System.out.printf("[kv-it] anti-entropy n1<->%s over %,d keys (%,d bytes) with %d differing: %s, %,d keys"
                            + " compared, %,d repaired, %,d record bytes, %,d bytes in all (%.3f%% of the data set),"
                            + " %d ms%n", exchange.get("peer").asString(), KEYS, dataSetBytes, DIFFERING,
                    exchange.get("outcome").asString(), exchange.get("keysCompared").asLong(),
                    exchange.get("keysRepaired").asLong(), exchange.get("bytesMoved").asLong(), bytes, percent,
                    exchange.get("durationMs").asLong());
            assertThat(exchange.get("outcome").asString()).isEqualTo("repaired");
            assertThat(exchange.get("keysRepaired").asLong()).isEqualTo(DIFFERING);
            assertThat(percent).as("share of the data set's bytes one exchange moved").isLessThan(1.0);
        }
        Map<String, String> roots = ahead.treeRoots();
        for (KvNode node : kv.nodes()) {
            assertThat(node.treeRoots()).as(node.id() + " roots").isEqualTo(roots);
            for (int index : Arrays.asList(differing.getFirst(), differing.getLast())) {
                assertThat(liveValues(node.internalRead(key(index)))).as(node.id() + " " + key(index))
                        .containsExactly(value(index, 'b'));
            }
        }

        assertThat(kv.gateway().raw("POST", "/admin/v1/repair").send().status())
                .as("the gateway's repair without the cluster secret").isEqualTo(401);
        JsonNode started = kv.gateway().startRepair().get("nodes");
        assertThat(started.propertyNames()).containsExactlyInAnyOrder("n1", "n2", "n3");
        await("a cluster-wide repair finds every pair in sync").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                    JsonNode nodes = kv.gateway().repairStatus().get("nodes");
                    for (String id : List.of("n1", "n2", "n3")) {
                        JsonNode status = nodes.get(id);
                        assertThat(status.get("repair").get("finished").asBoolean()).as(id + " finished").isTrue();
                        assertThat(status.get("exchanges").valueStream().map(e -> e.get("outcome").asString()))
                                .as(id + " exchanges").hasSize(2).allMatch("in-sync"::equals);
                    }
                });
    }

    @Test
    void aNodeRestoredFromAnOldCopyCatchesUpAndItsNextWritesAreNotMistakenForOldOnes() throws IOException {
        KvCluster kv = cluster.cluster();
        String prefix = uniqueKey("restored");
        List<String> keys = AntiEntropyTest.writeEverywhere(kv, prefix, 60);
        KvNode restored = kv.node("n1");
        restored.kill();
        Path backup = Files.createTempDirectory("kv-it-backup");
        DataDirectories.copy(restored.dataDirectory(), backup);
        restored.start();
        kv.awaitGatewaySeesAllNodesUp();
        for (int i = 0; i < 30; i++) {
            restored.internalCoordinate(keys.get(i), "v2 " + i, "text/plain", null);
            kv.node("n2").internalMerge(keys.get(i), restored.internalRead(keys.get(i)));
            kv.node("n3").internalMerge(keys.get(i), restored.internalRead(keys.get(i)));
        }
        restored.kill();
        AntiEntropyTest.deleteRecursively(restored.dataDirectory());
        DataDirectories.copy(backup, restored.dataDirectory());
        AntiEntropyTest.deleteRecursively(backup);

        restored.start();
        kv.awaitGatewaySeesAllNodesUp();
        // Before any repair, the restored node coordinates a write to a key it is behind on: its dot must be new,
        // or the other replicas would take v3 for the v2 they hold and drop it, and no repair could tell.
        restored.internalCoordinate(keys.getFirst(), "v3", "text/plain", null);
        kv.node("n2").internalMerge(keys.getFirst(), restored.internalRead(keys.getFirst()));
        kv.node("n3").internalMerge(keys.getFirst(), restored.internalRead(keys.getFirst()));
        long repairId = restored.startRepair().get("id").asLong();
        awaitRepairFinished(restored, repairId);
        AntiEntropyTest.awaitTreeRootsEqual(kv);

        AntiEntropyTest.assertIdenticalOnEveryNode(kv, keys);
        for (KvNode node : kv.nodes()) {
            assertThat(liveValues(node.internalRead(keys.getFirst()))).as(node.id())
                    .containsExactlyInAnyOrder("v2 0", "v3");
            assertThat(liveValues(node.internalRead(keys.get(29)))).as(node.id()).containsExactly("v2 29");
            assertThat(liveValues(node.internalRead(keys.get(30)))).as(node.id()).containsExactly("v1 30");
        }
    }

    private static void awaitRepairFinished(KvNode node, long repairId) {
        await(node.id() + "'s repair " + repairId + " finished").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200)).until(() -> {
                    JsonNode repair = node.repairStatus().get("repair");
                    return repair.get("id").asLong() == repairId && repair.get("finished").asBoolean();
                });
    }

    private static String key(int index) {
        return "bulk/" + index;
    }

    private static String value(int index, char fill) {
        String head = fill + "-" + index + "-";
        return head + String.valueOf(fill).repeat(VALUE_BYTES - head.length());
    }

    private Record write(Record local, String value, long now) {
        return versioning.write(local, Mutation.put(utf8(value), "text/plain", 0, local.clock()), "loader:1",
                HybridLogicalClock.pack(now, 0), now);
    }
}
