package dev.kv.it.robustness;

import dev.kv.it.GatewayClient;
import dev.kv.it.KvCluster;
import dev.kv.it.KvNode;

import java.time.Duration;
import java.util.List;

import static org.awaitility.Awaitility.await;

/**
 * Clock skew on real processes (issue 16), for a cluster whose nodes run with {@code kv.faults.enabled=true}: under a
 * recorded workload n1 is restarted 30 s ahead, n2 30 s behind, then n1 jumps back to 30 s behind (a 60 s backward
 * jump), each for a stretch of operations, and both are restarted on the true time. LWW, TTL and the hybrid logical
 * clock all read the skewed clocks.
 */
public final class ClockSkew {

    private static final int OPERATIONS_PER_STEP = 500;

    private ClockSkew() {
    }

    /** Runs the skews and answers the verdict; the caller decides which violations its conflict mode allows. */
    public static Checks.Verdict run(KvCluster kv, String name) {
        long seed = Long.getLong("kv.robustness.seed", System.nanoTime());
        System.out.println("robustness: scenario " + name + ", seed " + seed);
        GatewayClient gateway = kv.gateway();
        KvNode n1 = kv.node("n1");
        KvNode n2 = kv.node("n2");
        Workload workload = new Workload(List.of(gateway), name + "-" + seed, seed, false);
        History history = workload.history();
        try (workload) {
            workload.start();
            awaitOperations(history, 100);
            n1.restartWith("--kv.faults.clock-offset=30s");
            awaitOperations(history, history.size() + OPERATIONS_PER_STEP);
            n2.restartWith("--kv.faults.clock-offset=-30s");
            awaitOperations(history, history.size() + OPERATIONS_PER_STEP);
            n1.restartWith("--kv.faults.clock-offset=-30s");
            awaitOperations(history, history.size() + OPERATIONS_PER_STEP);
            n1.restart();
            n2.restart();
            kv.heal();
            awaitOperations(history, history.size() + 300);
        }
        Checks.Verdict verdict = Checks.check(kv, workload, gateway);
        System.out.println("robustness: " + name + ": " + history.size() + " operations; " + verdict);
        System.out.println("robustness: " + name + " eventual-read staleness (PBS): " + Checks.staleness(history));
        return verdict;
    }

    private static void awaitOperations(History history, int count) {
        await(count + " operations").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100))
                .until(() -> history.size() >= count);
    }
}
