package dev.kv.it.robustness;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Every operation the workload's clients made, as Jepsen and etcd's robustness suite record them: when it was invoked
 * and when it completed (monotonic nanoseconds), and how: {@link Outcome#OK} (acknowledged), {@link Outcome#FAIL}
 * (refused, so not applied) or {@link Outcome#UNKNOWN} (a timeout or a 5xx: it may have been applied, so a checker
 * may neither count it lost nor assume it absent).
 */
public final class History {

    /** How an operation ended for its client. */
    public enum Outcome { OK, FAIL, UNKNOWN }

    /** What an operation was. */
    public enum Kind { APPEND, WRITE, READ_STRONG, READ_EVENTUAL, DELETE, WRITE_TTL }

    /**
     * One operation.
     *
     * @param value for an append the element, for a write the sequence written, for a read the highest sequence seen
     *              (-1: none); unused for deletes
     */
    public record Op(Kind kind, String key, long value, long invokedNanos, long completedNanos, Outcome outcome) {
    }

    private final ConcurrentLinkedQueue<Op> ops = new ConcurrentLinkedQueue<>();

    void add(Op op) {
        ops.add(op);
    }

    public List<Op> ops() {
        return new ArrayList<>(ops);
    }

    /** Per kind of operation: acknowledged and attempted, as {@code "ok/attempted"}. */
    public Map<Kind, String> availability() {
        Map<Kind, int[]> counts = new TreeMap<>();
        for (Op op : ops) {
            int[] count = counts.computeIfAbsent(op.kind(), k -> new int[2]);
            count[1]++;
            if (op.outcome() == Outcome.OK) {
                count[0]++;
            }
        }
        Map<Kind, String> shown = new TreeMap<>();
        counts.forEach((kind, count) -> shown.put(kind, count[0] + "/" + count[1]));
        return shown;
    }

    /** Acknowledged operations over all operations, 0 when there were none. */
    public double okShare() {
        long ok = ops.stream().filter(op -> op.outcome() == Outcome.OK).count();
        return ops.isEmpty() ? 0 : (double) ok / ops.size();
    }

    public int size() {
        return ops.size();
    }
}
