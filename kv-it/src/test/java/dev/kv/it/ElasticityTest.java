package dev.kv.it;

import dev.kv.core.codec.RecordCodec;
import dev.kv.core.record.Record;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 12 on real processes: the cluster grows from three nodes to five while clients write and read at strong
 * through two gateways (one refreshing its view only every five seconds), and shrinks back by decommission under the
 * same load; nothing acknowledged is lost, no strong read goes back in time, no request fails, and the data ends up
 * where the ring says, about N/M of it per node.
 */
class ElasticityTest {

    private static final Duration CHANGE_TIMEOUT = Duration.ofMinutes(3);
    private static final int KEYS = 600;
    private static final int VALUE_BYTES = 1024;

    @Test
    void growsFromThreeToFiveAndShrinksBackByDecommissionUnderLoadLosingNothing() {
        try (KvCluster cluster = KvCluster.builder().start("elasticity")) {
            GatewayClient fast = cluster.gateway();
            GatewayClient slow = cluster.addGateway("gateway-slow", "--kv.gateway.view-refresh=5s");
            List<String> keys = new ArrayList<>();
            for (int i = 0; i < KEYS; i++) {
                keys.add("elastic/" + i);
            }

            // 3 -> 5: two nodes started at the same moment join one after the other, by themselves.
            try (RegisterWorkload load = new RegisterWorkload(List.of(fast, slow), keys, VALUE_BYTES)) {
                load.preload();
                load.start(2, 2);
                cluster.addNode("n4");
                cluster.addNode("n5");
                // Not yet members, the new nodes are shown waiting, each saying why (learning the ring, listening
                // to gossip, or queued behind the other's join; which ones a poll catches depends on timing).
                await("a new node shown waiting, with its reason").atMost(Duration.ofMinutes(1))
                        .pollInterval(Duration.ofMillis(200)).until(() -> fast.cluster().get("members")
                                .valueStream().anyMatch(m -> "waiting".equals(m.path("state").asString(""))
                                        && !m.path("waiting").asString("").isBlank()));
                awaitStates(fast, Map.of("n4", "normal", "n5", "normal"));
                awaitSameTopology(fast, slow);
                load.close();
                System.out.println("kv-it: 3 -> 5: " + load);
                assertThat(load.failures()).as("failed requests during the joins").isEmpty();
                assertThat(load.staleReads()).as("strong reads older than an acknowledged write").isEmpty();
                assertThat(load.missingAcknowledged(fast)).as("acknowledged writes missing").isEmpty();
            }
            List<KvNode> five = cluster.nodes();
            awaitCleanupDone(five, fast);
            Map<String, Integer> held = holders(five, keys);
            System.out.println("kv-it: keys held per node after 3 -> 5: " + held);
            int ideal = KEYS * 3 / 5;
            held.forEach((node, count) -> assertThat(count).as("keys on %s (ideal %d)", node, ideal)
                    .isBetween((int) (ideal * 0.75), (int) (ideal * 1.25)));
            double streamed = cluster.node("n4").metric("kv_streaming_bytes_total")
                    + cluster.node("n5").metric("kv_streaming_bytes_total");
            long joinersHold = bytesHeld(cluster.node("n4"), keys) + bytesHeld(cluster.node("n5"), keys);
            System.out.printf("kv-it: joiners streamed %.0f bytes (records %.0f, digests %.0f) and hold"
                            + " %d (ratio %.3f)%n", streamed, kind(cluster, "records"), kind(cluster, "digests"),
                    joinersHold, streamed / joinersHold);
            assertThat(streamed).as("bytes streamed by the joiners").isLessThanOrEqualTo(1.2 * joinersHold);

            // 5 -> 3 by decommission, under the same load.
            try (RegisterWorkload load = new RegisterWorkload(List.of(fast, slow), keys, VALUE_BYTES)) {
                load.preload();
                load.start(2, 2);
                for (String leaving : List.of("n5", "n4")) {
                    Reply reply = fast.admin("POST", "/admin/v1/nodes/" + leaving + "/decommission");
                    assertThat(reply.status()).as("decommission %s: %s", leaving, reply).isEqualTo(202);
                    awaitStates(fast, Map.of(leaving, "left"));
                }
                awaitSameTopology(fast, slow);
                load.close();
                System.out.println("kv-it: 5 -> 3: " + load);
                assertThat(load.failures()).as("failed requests during the decommissions").isEmpty();
                assertThat(load.staleReads()).as("strong reads older than an acknowledged write").isEmpty();
                cluster.node("n4").kill();
                cluster.node("n5").kill();
                assertThat(load.missingAcknowledged(fast)).as("acknowledged writes missing once they left")
                        .isEmpty();
            }
            List<KvNode> three = List.of(cluster.node("n1"), cluster.node("n2"), cluster.node("n3"));
            Map<String, Integer> after = holders(three, keys);
            assertThat(after).as("every key on all three remaining replicas")
                    .containsExactlyInAnyOrderEntriesOf(Map.of("n1", KEYS, "n2", KEYS, "n3", KEYS));
        }
    }

    private static double kind(KvCluster cluster, String kind) {
        return cluster.node("n4").metric("kv_streaming_bytes_total", "kind=\"" + kind + "\"")
                + cluster.node("n5").metric("kv_streaming_bytes_total", "kind=\"" + kind + "\"");
    }

    /** Waits until the gateway shows each member in its state and no change under way, printing progress. */
    static void awaitStates(GatewayClient gateway, Map<String, String> states) {
        long[] lastPrint = {0};
        await("members " + states).atMost(CHANGE_TIMEOUT).pollInterval(Duration.ofMillis(250)).until(() -> {
            JsonNode cluster = gateway.cluster();
            if (System.currentTimeMillis() - lastPrint[0] > 5000) {
                lastPrint[0] = System.currentTimeMillis();
                System.out.println("kv-it: topology " + cluster.path("topologyVersion").asString("?")
                        + " transition " + cluster.path("transition"));
            }
            for (Map.Entry<String, String> expected : states.entrySet()) {
                if (!expected.getValue().equals(gateway.stateOf(expected.getKey()))) {
                    return false;
                }
            }
            return cluster.path("transition").isNull();
        });
    }

    /** Waits until the slow gateway has learned the topology the fast one holds. */
    static void awaitSameTopology(GatewayClient fast, GatewayClient slow) {
        String version = fast.cluster().path("topologyVersion").asString();
        await("the slow gateway learns " + version).atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> version.equals(slow.cluster().path("topologyVersion").asString()));
    }

    /** Waits until every node's cleanup for the topology the gateway holds is done. */
    static void awaitCleanupDone(List<KvNode> nodes, GatewayClient gateway) {
        String version = gateway.cluster().path("topologyVersion").asString();
        await("cleanup done for " + version).atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(250))
                .until(() -> nodes.stream().allMatch(n -> {
                    JsonNode cleanup = n.cleanup();
                    return version.equals(cleanup.path("version").asString())
                            && "done".equals(cleanup.path("state").asString());
                }));
    }

    /** How many of the keys each node holds, read from each node's own store. */
    static Map<String, Integer> holders(List<KvNode> nodes, List<String> keys) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (KvNode node : nodes) {
            int count = 0;
            for (String key : keys) {
                if (!node.internalRead(key).isEmpty()) {
                    count++;
                }
            }
            counts.put(node.id(), count);
        }
        return counts;
    }

    /** The encoded size of the records of {@code keys} the node holds. */
    static long bytesHeld(KvNode node, List<String> keys) {
        long bytes = 0;
        for (String key : keys) {
            Record record = node.internalRead(key);
            if (!record.isEmpty()) {
                bytes += RecordCodec.encode(record).length;
            }
        }
        return bytes;
    }
}
