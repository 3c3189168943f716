package dev.kv.it.robustness;

import dev.kv.it.GatewayClient;
import dev.kv.it.KvCluster;
import dev.kv.it.KvNode;
import dev.kv.it.Reply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Membership changes while faults run (issue 16), under one recorded workload: n4 joins while n3 is partitioned from
 * every other process (the join completes once the partition heals; the joiner then crashes once before and once
 * after it stores a streamed chunk, the stream-chunk failpoints armed for one launch each, and resumes), then n4 is
 * decommissioned while n2 is killed (the decommission completes once n2 is back). The history must show nothing
 * lost, no stale strict read and nothing deleted back, and the replicas of the final ring must converge.
 */
class MembershipUnderFaultsTest {

    private static final Duration CHANGE_TIMEOUT = Duration.ofMinutes(3);

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void aJoinDuringAPartitionAndADecommissionDuringAKillLoseNothing() {
        long seed = Long.getLong("kv.robustness.seed", System.nanoTime());
        System.out.println("robustness: membership under faults, seed " + seed);
        try (KvCluster kv = KvCluster.builder().withFaultyNetwork().nodeArguments("--kv.faults.enabled=true")
                .start("MembershipUnderFaultsTest")) {
            GatewayClient gateway = kv.gateway();
            Workload workload = new Workload(List.of(gateway), "membership-" + seed, seed, false);
            History history = workload.history();
            KvNode joiner;
            try (workload) {
                workload.start();
                awaitOperations(history, 100);
                joiner = kv.addNodeFirstLaunchWith("n4", List.of("--kv.faults.failpoints=stream-chunk.before=crash"));
                kv.network().isolate("n3");
                awaitOperations(history, history.size() + 1_000);
                kv.network().heal(); // the ranges n3 gives up wait for it: it may hold writes the others missed
                Crashes.awaitCrashAt(joiner, "stream-chunk.before", CHANGE_TIMEOUT);
                joiner.relaunchWith("--kv.faults.failpoints=stream-chunk.after=crash");
                Crashes.awaitCrashAt(joiner, "stream-chunk.after", CHANGE_TIMEOUT);
                joiner.launch(); // resumes the join, and the streaming where it stopped
                awaitState(gateway, "n4", "normal");
                System.out.println("robustness: n4 joined; " + history.availability());

                kv.node("n2").kill();
                Reply decommission = gateway.admin("POST", "/admin/v1/nodes/n4/decommission");
                assertThat(decommission.status()).as(decommission.toString()).isEqualTo(202);
                awaitOperations(history, history.size() + 500);
                kv.node("n2").start();
                awaitState(gateway, "n4", "left");
                awaitOperations(history, history.size() + 300);
            }
            kv.discard(joiner);
            Checks.Verdict verdict = Checks.check(kv, workload, gateway);
            System.out.println("robustness: membership under faults: " + history.size() + " operations; " + verdict);
            assertThat(verdict.clean()).as(verdict.toString()).isTrue();
        }
    }

    private static void awaitState(GatewayClient gateway, String node, String state) {
        await(node + " " + state + " with no change under way").atMost(CHANGE_TIMEOUT)
                .pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                .until(() -> state.equals(gateway.stateOf(node)) && gateway.cluster().path("transition").isNull());
    }

    private static void awaitOperations(History history, int count) {
        await(count + " operations").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100))
                .until(() -> history.size() >= count);
    }
}
