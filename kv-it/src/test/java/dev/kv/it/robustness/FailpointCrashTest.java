package dev.kv.it.robustness;

import dev.kv.it.DataDirectories;
import dev.kv.it.GatewayClient;
import dev.kv.it.KvCluster;
import dev.kv.it.KvClusterExtension;
import dev.kv.it.KvNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A {@code kill -9} between two durable steps, at every failpoint of kv-node (issue 16): n1 is started with one
 * failpoint armed to crash, made to reach it, and started again with the next, all under one recorded workload; then
 * n3's data directory is wiped and n2 is restarted on an old copy of its own. At the end the history must show no
 * acknowledged append lost, no stale strict read, nothing deleted back, and the replicas converged.
 */
class FailpointCrashTest {

    /**
     * Every failpoint but the streaming ones, which only a joining node reaches (MembershipUnderFaultsTest crashes a
     * joiner at them).
     */
    private static final List<String> FAILPOINTS = List.of(
            "coordinate.before", "coordinate.after", "replica-merge.before", "replica-merge.after",
            "hint-store.before", "hint-store.after", "hint-deliver.before", "hint-deliver.after",
            "merkle-pull.before", "merkle-pull.after", "merkle-push.before", "merkle-push.after",
            "tombstone-purge.before", "tombstone-purge.after");
    /**
     * The grace n1 purges by while a tombstone-purge failpoint is armed, so the workload's deletes reach it within
     * seconds. Only for those launches: the restore from an old copy at the end needs a grace longer than the copy's
     * age, as with any store (Cassandra's gc_grace_seconds).
     */
    private static final String[] SHORT_GRACE = {"--kv.expiry.tombstone-grace=8s", "--kv.antientropy.cycle=4s"};
    private static final Duration REACHED_WITHIN = Duration.ofSeconds(90);

    @RegisterExtension
    static final KvClusterExtension cluster = new KvClusterExtension(KvCluster.builder()
            .nodeArguments("--kv.faults.enabled=true"));

    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void aCrashAtEveryFailpointLosesNothingAndBringsNothingBack() {
        long seed = Long.getLong("kv.robustness.seed", System.nanoTime());
        String prefix = "failpoints-" + seed;
        System.out.println("robustness: failpoint crashes, seed " + seed);
        GatewayClient gateway = cluster.gateway();
        KvNode victim = cluster.node("n1");
        KvNode peer = cluster.node("n2");
        KvNode other = cluster.node("n3");
        Workload workload = new Workload(List.of(gateway), prefix, seed, false);
        List<String> crashed = new ArrayList<>();
        try (workload) {
            workload.start();
            awaitOperations(workload.history(), 200);
            for (String failpoint : FAILPOINTS) {
                List<String> arguments = new ArrayList<>(List.of("--kv.faults.failpoints=" + failpoint + "=crash"));
                if (failpoint.startsWith("tombstone-purge")) {
                    arguments.addAll(List.of(SHORT_GRACE));
                }
                victim.relaunchWith(arguments.toArray(String[]::new)); // it may crash before it is ready
                reach(failpoint, victim, peer, other, prefix);
                Crashes.awaitCrashAt(victim, failpoint, REACHED_WITHIN);
                crashed.add(failpoint);
                if (!other.isRunning()) {
                    other.start();
                }
                System.out.println("robustness: crashed at " + failpoint + " after " + workload.history().size()
                        + " operations");
            }
            victim.start();
            cluster.cluster().heal();
            wipeAndRestore(workload.history(), peer, other);
            awaitOperations(workload.history(), workload.history().size() + 300);
        }
        // n3 was rebuilt from nothing and n2 from an old copy.
        Checks.Verdict verdict = Checks.check(cluster.cluster(), workload, gateway, Duration.ofMinutes(5));
        System.out.println("robustness: failpoint crashes " + crashed + ": " + workload.history().size()
                + " operations; " + verdict);
        assertThat(crashed).isEqualTo(FAILPOINTS);
        assertThat(verdict.clean()).as(verdict.toString()).isTrue();
    }

    /**
     * n3's data directory wiped while it is down (hints and anti-entropy rebuild it); then n2 restarted on a copy of
     * its data directory taken 500 operations earlier (it must learn the writes and deletes it missed, take no dot it
     * gave before, and bring nothing deleted back).
     */
    private static void wipeAndRestore(History history, KvNode peer, KvNode other) {
        other.kill();
        DataDirectories.delete(other.dataDirectory());
        other.start();
        awaitOperations(history, history.size() + 300);
        try {
            peer.kill();
            Path copy = Files.createTempDirectory("kv-it-old-copy-");
            DataDirectories.copy(peer.dataDirectory(), copy);
            peer.start();
            awaitOperations(history, history.size() + 500);
            peer.kill();
            DataDirectories.delete(peer.dataDirectory());
            DataDirectories.copy(copy, peer.dataDirectory());
            DataDirectories.delete(copy);
            peer.start();
            cluster.gateway().startRepair(); // as an operator would after a restore: every range compared now
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        System.out.println("robustness: wiped n3, restored n2 from an old copy, after " + history.size()
                + " operations");
    }

    /** Makes n1 reach the failpoint's step; the workload alone reaches coordination and merges. */
    private static void reach(String failpoint, KvNode victim, KvNode peer, KvNode other, String prefix) {
        String step = failpoint.substring(0, failpoint.indexOf('.'));
        switch (step) {
            case "hint-store" -> other.kill(); // writes for n3's keys now leave hints on a live home replica
            case "hint-deliver" -> {
                other.kill();
                await("n1 holds hints for n3").atMost(REACHED_WITHIN).pollInterval(Duration.ofMillis(200))
                        .ignoreExceptions()
                        .until(() -> !victim.isRunning()
                                || victim.hints().path("pendingByTarget").path(other.id()).asLong() > 0);
                other.start(); // n1 delivers them
            }
            case "merkle-pull" -> {
                for (int i = 0; i < 20; i++) {
                    peer.internalCoordinate(prefix + "/pull-" + failpoint + "-" + i, "only on n2", "text/plain", null);
                }
                repair(victim);
            }
            case "merkle-push" -> {
                await("records written on n1 only").atMost(REACHED_WITHIN).pollInterval(Duration.ofMillis(500))
                        .ignoreExceptions().until(() -> {
                            for (int i = 0; i < 20 && victim.isRunning(); i++) {
                                victim.internalCoordinate(prefix + "/push-" + failpoint + "-" + i, "only on n1",
                                        "text/plain", null);
                            }
                            return true;
                        });
                repair(victim);
            }
            default -> { }
        }
    }

    /**
     * Asks n1 to exchange every range with its replicas now (retried while it is still building its trees), unless
     * its own anti-entropy round got to the failpoint first.
     */
    private static void repair(KvNode node) {
        await("a repair started on " + node.id()).atMost(REACHED_WITHIN).pollInterval(Duration.ofMillis(500))
                .ignoreExceptions().until(() -> {
                    if (node.isRunning()) {
                        node.startRepair();
                    }
                    return true;
                });
    }

    private static void awaitOperations(History history, int count) {
        await(count + " operations").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100))
                .until(() -> history.size() >= count);
    }
}
