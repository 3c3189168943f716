package dev.kv.it.robustness;

import dev.kv.core.record.Sibling;
import dev.kv.core.version.Dot;
import dev.kv.it.GatewayClient;
import dev.kv.it.KvCluster;
import dev.kv.it.KvNode;
import dev.kv.it.Reply;
import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.awaitility.Awaitility.await;

/**
 * What a history must show once the faults are healed (issue 16), checked against the cluster's final state:
 * <ul>
 *   <li>no acknowledged append lost (vector clocks; under LWW the count is the mode's documented cost);</li>
 *   <li>no strict read older than a write acknowledged before the read began;</li>
 *   <li>nothing deleted or expired comes back;</li>
 *   <li>no dot stands for two versions of a set or a register on the replicas;</li>
 *   <li>the replicas converge: every range has one Merkle root on all the nodes that hold it.</li>
 * </ul>
 * Staleness of {@code eventual} reads is measured, not judged ({@link #staleness}).
 */
public final class Checks {

    private static final Duration CONVERGENCE_BOUND = Duration.ofSeconds(90);
    private static final Duration TTL_DUE = Duration.ofSeconds(3);
    private static final int FINAL_READERS = 8;

    /** The violations found, with examples. */
    public record Verdict(int lostAppends, int staleStrictReads, int resurrected, int reusedDots,
                          Duration convergedAfter, Duration repairsQuietAfter, Map<History.Kind, String> availability,
                          List<String> examples) {

        public boolean clean() {
            return lostAppends == 0 && staleStrictReads == 0 && resurrected == 0 && reusedDots == 0;
        }

        @Override
        public String toString() {
            return "lost appends " + lostAppends + ", stale strict reads " + staleStrictReads + ", resurrected "
                    + resurrected + ", dots reused " + reusedDots + ", converged after " + convergedAfter.toMillis()
                    + " ms, a full repair moved nothing after " + repairsQuietAfter.toMillis() + " ms, availability "
                    + availability + (examples.isEmpty() ? "" : ", e.g. " + examples);
        }
    }

    private Checks() {
    }

    /** Waits for convergence, reads the final state through {@code gateway} and checks the history against it. */
    public static Verdict check(KvCluster kv, Workload workload, GatewayClient gateway) {
        return check(kv, workload, gateway, CONVERGENCE_BOUND);
    }

    /** As {@link #check(KvCluster, Workload, GatewayClient)}, allowing {@code convergence} for the replicas. */
    public static Verdict check(KvCluster kv, Workload workload, GatewayClient gateway, Duration convergence) {
        Duration converged = awaitConverged(kv, convergence);
        Duration quiet = awaitRepairsFallToZero(kv, convergence);
        History history = workload.history();
        List<String> examples = new ArrayList<>();
        int lost = lostAppends(history, workload, gateway, examples);
        int stale = staleStrictReads(history, examples);
        int resurrected = resurrected(history, gateway, examples);
        int reused = reusedDots(kv, workload, examples);
        return new Verdict(lost, stale, resurrected, reused, converged, quiet, history.availability(),
                examples.subList(0, Math.min(5, examples.size())));
    }

    /** Waits until each range has the same Merkle root on every running node that holds it. */
    public static Duration awaitConverged(KvCluster kv, Duration bound) {
        long start = System.nanoTime();
        await("every range has one Merkle root on the nodes that hold it").atMost(bound)
                .pollInterval(Duration.ofMillis(500)).until(() -> {
                    Map<String, Set<String>> roots = new HashMap<>();
                    for (KvNode node : kv.nodes()) {
                        if (node.isRunning()) {
                            node.treeRoots().forEach((range, root) ->
                                    roots.computeIfAbsent(range, r -> new HashSet<>()).add(root));
                        }
                    }
                    return !roots.isEmpty() && roots.values().stream().allMatch(set -> set.size() == 1);
                });
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /**
     * Waits until a full repair on every running node moves nothing: each node compares every range with every
     * replica, and no node's count of repaired keys grows meanwhile. Nodes purge the same tombstone at different
     * moments, so a repair may still find a few keys that differ for a while and is then repeated; records traded
     * back and forth for good would keep every repair busy, and fail this.
     */
    public static Duration awaitRepairsFallToZero(KvCluster kv, Duration bound) {
        long start = System.nanoTime();
        await("a full repair that moves nothing").atMost(bound).pollInterval(Duration.ofSeconds(1))
                .until(() -> fullRepairMovesNothing(kv));
        return Duration.ofNanos(System.nanoTime() - start);
    }

    private static boolean fullRepairMovesNothing(KvCluster kv) {
        List<KvNode> running = kv.nodes().stream().filter(KvNode::isRunning).toList();
        double before = repairedKeys(running);
        for (KvNode node : running) {
            long id = node.startRepair().get("id").asLong();
            await(node.id() + "'s repair " + id + " finished").atMost(Duration.ofMinutes(1))
                    .pollInterval(Duration.ofMillis(200)).until(() -> {
                        JsonNode repair = node.repairStatus().get("repair");
                        return repair.get("id").asLong() == id && repair.get("finished").asBoolean();
                    });
        }
        return repairedKeys(running) == before;
    }

    /**
     * Dots that stand for two different versions: the replicas of a set or a register hold a sibling under the same
     * (actor, counter) with another value or deletion. A node restarted on a wiped or an old data directory must mint
     * dots no one gave before; a reused one would make replicas take two values for one version (version digests do
     * not cover values, so the Merkle roots would agree).
     */
    private static int reusedDots(KvCluster kv, Workload workload, List<String> examples) {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < Workload.SETS; i++) {
            keys.add(workload.setKey(i));
        }
        for (int i = 0; i < Workload.REGISTERS; i++) {
            keys.add(workload.registerKey(i));
        }
        int reused = 0;
        for (String key : keys) {
            Map<Dot, String> versions = new HashMap<>();
            for (KvNode node : kv.nodes()) {
                if (!node.isRunning()) {
                    continue;
                }
                for (Sibling sibling : node.internalRead(key).siblings()) {
                    String version = sibling.tombstone() ? "(deleted)"
                            : new String(sibling.value(), StandardCharsets.UTF_8);
                    String other = versions.putIfAbsent(sibling.dot(), version);
                    if (other != null && !other.equals(version)) {
                        reused++;
                        examples.add("dot " + sibling.dot() + " of " + key + " stands for " + other + " and for "
                                + version + " (on " + node.id() + ")");
                    }
                }
            }
        }
        return reused;
    }

    private static double repairedKeys(List<KvNode> nodes) {
        return nodes.stream().mapToDouble(n -> n.metric("kv_antientropy_keys_repaired_total")).sum();
    }

    private static Reply finalRead(GatewayClient gateway, String key) {
        Reply[] reply = new Reply[1];
        await("a final read of " + key).atMost(Duration.ofSeconds(30)).pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() -> {
                    reply[0] = gateway.get(key).params("r=all").accept("application/json").send();
                    return reply[0].status() == 200 || reply[0].status() == 300 || reply[0].status() == 404;
                });
        return reply[0];
    }

    private static int lostAppends(History history, Workload workload, GatewayClient gateway,
                                   List<String> examples) {
        Map<String, Set<Long>> present = new HashMap<>();
        for (int i = 0; i < Workload.SETS; i++) {
            String key = workload.setKey(i);
            Reply reply = finalRead(gateway, key);
            present.put(key, reply.status() == 404 ? Set.of() : Workload.elementsOf(reply));
        }
        int lost = 0;
        for (History.Op op : history.ops()) {
            if (op.kind() == History.Kind.APPEND && op.outcome() == History.Outcome.OK
                    && !present.get(op.key()).contains(op.value())) {
                lost++;
                examples.add("append " + op.value() + " to " + op.key() + " acknowledged, then lost; the key's"
                        + " history " + keyHistory(history, op.key()) + ", at the end " + present.get(op.key()));
            }
        }
        return lost;
    }

    /** The key's operations in invocation order, with their times in ms from the first. */
    private static List<String> keyHistory(History history, String key) {
        List<History.Op> ops = history.ops().stream().filter(op -> op.key().equals(key))
                .sorted(java.util.Comparator.comparingLong(History.Op::invokedNanos)).toList();
        long origin = ops.isEmpty() ? 0 : ops.getFirst().invokedNanos();
        return ops.stream().map(op -> op.kind() + " " + op.value() + " " + op.outcome() + " ["
                + (op.invokedNanos() - origin) / 1_000_000 + "-" + (op.completedNanos() - origin) / 1_000_000 + "]")
                .toList();
    }

    /** Strict reads that returned less than the key's last write acknowledged before the read was invoked. */
    private static int staleStrictReads(History history, List<String> examples) {
        Map<String, List<History.Op>> writes = acknowledgedWrites(history);
        int stale = 0;
        for (History.Op read : history.ops()) {
            if (read.kind() == History.Kind.READ_STRONG && read.outcome() == History.Outcome.OK) {
                long floor = lastAcknowledgedBefore(writes.get(read.key()), read.invokedNanos());
                if (read.value() < floor) {
                    stale++;
                    examples.add("strict read of " + read.key() + " saw " + read.value() + " after " + floor
                            + " was acknowledged");
                }
            }
        }
        return stale;
    }

    private static Map<String, List<History.Op>> acknowledgedWrites(History history) {
        Map<String, List<History.Op>> writes = new HashMap<>();
        for (History.Op op : history.ops()) {
            if (op.kind() == History.Kind.WRITE && op.outcome() == History.Outcome.OK) {
                writes.computeIfAbsent(op.key(), k -> new ArrayList<>()).add(op);
            }
        }
        return writes;
    }

    /** The highest sequence acknowledged before {@code nanos}; -1 if none. */
    private static long lastAcknowledgedBefore(List<History.Op> writes, long nanos) {
        long floor = -1;
        for (History.Op write : writes == null ? List.<History.Op>of() : writes) {
            if (write.completedNanos() < nanos) {
                floor = Math.max(floor, write.value());
            }
        }
        return floor;
    }

    /** Keys deleted (acknowledged) or expired that read as present at the end. */
    private static int resurrected(History history, GatewayClient gateway, List<String> examples) {
        long lastExpiring = history.ops().stream().filter(op -> op.kind() == History.Kind.WRITE_TTL)
                .mapToLong(History.Op::completedNanos).max().orElse(0);
        // A one-second TTL counts from the coordinator's clock, in whole seconds: three seconds on, every key is due.
        await("every expiring write is past its TTL").atMost(Duration.ofSeconds(10))
                .until(() -> System.nanoTime() - lastExpiring > TTL_DUE.toNanos());
        List<History.Op> gone = history.ops().stream().filter(op -> op.outcome() == History.Outcome.OK
                && (op.kind() == History.Kind.DELETE || op.kind() == History.Kind.WRITE_TTL)).toList();
        // Read in parallel: a long run deletes thousands of keys, and each is read once.
        ExecutorService readers = Executors.newFixedThreadPool(FINAL_READERS);
        try {
            List<Future<Integer>> statuses = new ArrayList<>();
            for (History.Op op : gone) {
                statuses.add(readers.submit(() -> finalRead(gateway, op.key()).status()));
            }
            int back = 0;
            for (int i = 0; i < gone.size(); i++) {
                if (statuses.get(i).get() != 404) {
                    back++;
                    examples.add(gone.get(i).kind() + " of " + gone.get(i).key()
                            + " acknowledged, and the key is back");
                }
            }
            return back;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("a final read failed", e.getCause());
        } finally {
            readers.shutdownNow();
        }
    }

    /**
     * Staleness of {@code eventual} reads in the form of the PBS paper (Bailis et al., 2012): the probability that a
     * read sees the last write acknowledged before it began, by how long after that acknowledgement it began.
     */
    public static Map<String, String> staleness(History history) {
        Map<String, List<History.Op>> writes = acknowledgedWrites(history);
        long[] bounds = {10, 50, 100, 250, 1000, Long.MAX_VALUE};
        int[] reads = new int[bounds.length];
        int[] fresh = new int[bounds.length];
        for (History.Op read : history.ops()) {
            if (read.kind() != History.Kind.READ_EVENTUAL || read.outcome() != History.Outcome.OK) {
                continue;
            }
            History.Op last = null;
            for (History.Op write : writes.getOrDefault(read.key(), List.of())) {
                if (write.completedNanos() < read.invokedNanos()
                        && (last == null || write.value() > last.value())) {
                    last = write;
                }
            }
            if (last == null) {
                continue;
            }
            long afterMillis = (read.invokedNanos() - last.completedNanos()) / 1_000_000;
            int bucket = 0;
            while (afterMillis >= bounds[bucket]) {
                bucket++;
            }
            reads[bucket]++;
            if (read.value() >= last.value()) {
                fresh[bucket]++;
            }
        }
        Map<String, String> table = new LinkedHashMap<>();
        long lower = 0;
        for (int i = 0; i < bounds.length; i++) {
            String range = bounds[i] == Long.MAX_VALUE ? ">= " + lower + " ms" : lower + "-" + bounds[i] + " ms";
            table.put(range, reads[i] == 0 ? "-" : String.format(java.util.Locale.ROOT, "%.4f (%d reads)",
                    (double) fresh[i] / reads[i], reads[i]));
            lower = bounds[i];
        }
        return table;
    }
}
