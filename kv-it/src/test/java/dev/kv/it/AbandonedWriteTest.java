package dev.kv.it;

import dev.kv.core.record.Record;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static dev.kv.it.TestSupport.expectProblem;
import static dev.kv.it.TestSupport.expectStatus;
import static dev.kv.it.TestSupport.liveValues;
import static dev.kv.it.TestSupport.uniqueKey;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 11, item 1, on real processes: a write the gateway abandoned on a slow coordinator must not come back after
 * newer writes and deletes. The reproduction from the issue: a key's coordinator is paused (SIGSTOP) or killed
 * (SIGKILL); a client overwrites the key with the context of its last read, which the gateway first sends to that
 * coordinator and then, after the coordinate attempt could no longer be applied, to the next replica; the client
 * reads the new value at {@code strong} and deletes it (or overwrites it again) with that read's context. Then the
 * coordinator comes back and runs what it held, hints and anti-entropy (every second here) spread everything, a
 * repair is forced, and the key must read as deleted (or as the last value alone, no sibling) on every replica.
 * Before the fix the paused coordinator applied the abandoned write on resuming, under a new dot concurrent with the
 * delete, and the deleted value came back for good.
 */
class AbandonedWriteTest {

    @RegisterExtension
    static final KvClusterExtension cluster = new KvClusterExtension(KvCluster.builder()
            .nodeArguments("--kv.antientropy.interval=1s"));

    enum Fault { PAUSE, KILL }

    enum Then { DELETE, OVERWRITE }

    static Stream<Arguments> scenarios() {
        return Stream.of(Arguments.of(Fault.PAUSE, Then.DELETE), Arguments.of(Fault.KILL, Then.DELETE),
                Arguments.of(Fault.PAUSE, Then.OVERWRITE), Arguments.of(Fault.KILL, Then.OVERWRITE));
    }

    @ParameterizedTest(name = "{0} the coordinator, then {1}")
    @MethodSource("scenarios")
    void aWriteAbandonedOnItsCoordinatorNeverComesBack(Fault fault, Then then) {
        KvCluster kv = cluster.cluster();
        GatewayClient gateway = kv.gateway();
        String key = uniqueKey("abandoned-" + fault + "-" + then);
        List<KvNode> replicas = gateway.preferenceList(key).stream().map(kv::node).toList();
        KvNode coordinator = replicas.getFirst();

        expectStatus(gateway.write(key, "v1", "w=all"), 204);
        String firstContext = expectStatus(gateway.read(key, "r=all"), 200).context();
        double refusedBefore = coordinator.metric("kv_node_coordinate_refused_total", "reason=\"deadline\"");

        if (fault == Fault.PAUSE) {
            coordinator.pause();
        } else {
            coordinator.kill();
        }
        try {
            expectStatus(gateway.put(key).context(firstContext).params("consistency=strong").text("v2").send(), 204);
            Reply read = expectStatus(gateway.read(key, "consistency=strong"), 200);
            assertThat(read.text()).isEqualTo("v2");
            if (then == Then.DELETE) {
                expectStatus(gateway.delete(key).context(read.context()).params("consistency=strong").send(), 204);
                expectProblem(gateway.read(key, "consistency=strong"), 404);
            } else {
                expectStatus(gateway.put(key).context(read.context()).params("consistency=strong").text("v3")
                        .send(), 204);
                assertThat(expectStatus(gateway.read(key, "consistency=strong"), 200).text()).isEqualTo("v3");
            }
        } finally {
            if (fault == Fault.PAUSE) {
                coordinator.resume();
            } else {
                coordinator.start();
            }
        }
        kv.awaitGatewaySeesAllNodesUp();
        if (fault == Fault.PAUSE) {
            // What the paused coordinator held runs now; the abandoned attempt is refused, past its deadline.
            await("the paused coordinator refuses the abandoned write").atMost(Duration.ofSeconds(30))
                    .until(() -> coordinator.metric("kv_node_coordinate_refused_total", "reason=\"deadline\"")
                            > refusedBefore);
        }

        List<String> expected = then == Then.DELETE ? List.of() : List.of("v3");
        await("every replica of " + key + " holds exactly " + expected).atMost(Duration.ofSeconds(45))
                .pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
                    for (KvNode replica : replicas) {
                        assertThat(liveValues(replica.internalRead(key))).as(replica.id()).isEqualTo(expected);
                    }
                });
        awaitClusterRepair(gateway);

        for (KvNode replica : replicas) {
            Record record = replica.internalRead(key);
            assertThat(liveValues(record)).as("%s after repair: %s", replica.id(), record).isEqualTo(expected);
        }
        if (then == Then.DELETE) {
            expectProblem(gateway.read(key, "r=all"), 404);
        } else {
            Reply last = expectStatus(gateway.read(key, "r=all"), 200);
            assertThat(last.text()).isEqualTo("v3");
            assertThat(last.optionalHeader("X-KV-Siblings")).as("no sibling from the abandoned write").isEmpty();
        }
    }

    /** A cluster-wide anti-entropy repair, started through the gateway, finished on every node. */
    private static void awaitClusterRepair(GatewayClient gateway) {
        JsonNode started = gateway.startRepair().get("nodes");
        assertThat(started.propertyNames()).as("repair started on %s", started).hasSize(3);
        await("the cluster-wide repair finished").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .untilAsserted(() -> {
                    JsonNode nodes = gateway.repairStatus().get("nodes");
                    for (String id : started.propertyNames()) {
                        JsonNode repair = nodes.get(id).path("repair");
                        assertThat(repair.path("id").asLong()).as(id).isEqualTo(started.get(id).get("id").asLong());
                        assertThat(repair.path("finished").asBoolean()).as(id + " finished").isTrue();
                    }
                });
    }
}
