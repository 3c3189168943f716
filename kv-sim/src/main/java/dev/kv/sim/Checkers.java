package dev.kv.sim;

import dev.kv.core.record.ConflictMode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The checkers every schedule ends with, over the history and the converged final state (the merge of every
 * replica's record once faults healed and anti-entropy ran). In last-write-wins mode losses are the mode's
 * documented cost: they are counted and reported, not failed.
 */
final class Checkers {

    /** What the checkers found: violations (always failures) and LWW's counted losses. */
    record Findings(List<String> violations, int lwwLostElements, int lwwStaleReads, int lwwResurrections) {
    }

    private final History history;
    private final ConflictMode mode;
    private final long firstDataLossAt;
    private final long maxSkew;

    /**
     * @param firstDataLossAt when a disk first lost data: a write acknowledged by one replica may be lost with it, and
     *                        strict reads are no longer promised to see every earlier write
     */
    Checkers(History history, ConflictMode mode, long firstDataLossAt, long maxSkew) {
        this.history = history;
        this.mode = mode;
        this.firstDataLossAt = firstDataLossAt;
        this.maxSkew = maxSkew;
    }

    /**
     * @param finalValues each key's values in the converged state (set keys: the elements), at {@code finalMillis}
     */
    Findings check(Map<String, Set<String>> finalValues, long finalMillis) {
        List<String> violations = new ArrayList<>();
        List<String> lost = lostWrites(finalValues);
        List<String> stale = staleReads();
        List<String> resurrected = resurrections(finalValues, finalMillis);
        if (mode == ConflictMode.LWW) {
            return new Findings(violations, lost.size(), stale.size(), resurrected.size());
        }
        violations.addAll(lost);
        violations.addAll(stale);
        violations.addAll(resurrected);
        return new Findings(violations, 0, 0, 0);
    }

    /** Every acknowledged element is in the final set. */
    private List<String> lostWrites(Map<String, Set<String>> finalValues) {
        List<String> lost = new ArrayList<>();
        for (History.Op op : history.ops()) {
            if (op.kind() == History.Kind.APPEND && op.ok() && mayRelyOn(op)
                    && !finalValues.getOrDefault(op.key(), Set.of()).contains(op.element())) {
                lost.add("lost write: " + op.element() + " appended to " + op.key() + " (w=" + op.spec().w()
                        + ", acknowledged at " + op.completedAt() + " ms) is not in the final set");
            }
        }
        return lost;
    }

    /** A strict read (R + W > N, not sloppy) sees every element acknowledged before it started. */
    private List<String> staleReads() {
        List<String> stale = new ArrayList<>();
        for (History.Op read : history.ops()) {
            if (read.kind() != History.Kind.READ || !read.ok() || read.invokedAt() >= firstDataLossAt
                    || !Workload.SET_KEYS.contains(read.key())) {
                continue;
            }
            for (History.Op write : history.ops()) {
                if (write.kind() == History.Kind.APPEND && write.ok() && write.key().equals(read.key())
                        && write.completedAt() < read.invokedAt() && !write.spec().sloppy()
                        && read.spec().r() + write.spec().w() > SimConfig.REPLICATION_FACTOR
                        && !read.seen().contains(write.element())) {
                    stale.add("stale strict read: read of " + read.key() + " (r=" + read.spec().r() + ") started at "
                            + read.invokedAt() + " ms missed " + write.element() + " acknowledged at "
                            + write.completedAt() + " ms (w=" + write.spec().w() + ")");
                }
            }
        }
        return stale;
    }

    /** Nothing an acknowledged delete removed, and nothing long expired, is in the final state. */
    private List<String> resurrections(Map<String, Set<String>> finalValues, long finalMillis) {
        List<String> resurrected = new ArrayList<>();
        for (History.Op op : history.ops()) {
            Set<String> now = finalValues.getOrDefault(op.key(), Set.of());
            if (op.kind() == History.Kind.DELETE && op.ok() && mayRelyOn(op)) {
                for (String value : op.deleted()) {
                    if (now.contains(value)) {
                        resurrected.add("resurrection: " + value + " of " + op.key() + " deleted at "
                                + op.completedAt() + " ms (w=" + op.spec().w() + ") is back");
                    }
                }
            }
            if (op.kind() == History.Kind.PUT && op.ttlMillis() > 0 && now.contains(op.element())
                    && op.completedAt() + op.ttlMillis() + maxSkew < finalMillis) {
                resurrected.add("resurrection: " + op.element() + " of " + op.key() + " written with a TTL of "
                        + op.ttlMillis() + " ms at " + op.invokedAt() + " ms is still live");
            }
        }
        return resurrected;
    }

    /** After a disk lost data, only writes that two replicas acknowledged are promised to survive. */
    private boolean mayRelyOn(History.Op write) {
        return firstDataLossAt == Long.MAX_VALUE || write.survivesOneLostDisk();
    }
}
