package dev.kv.bench;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Latencies in microseconds per operation kind, recorded without locks by many threads (HdrHistogram's
 * {@link Recorder}) and drained once a second into the run's totals; errors counted by kind.
 */
final class LatencyStats {

    /** Up to a minute at three significant digits. */
    private static final long HIGHEST_MICROS = 60_000_000L;

    private final Map<Workload.Op, Recorder> recorders = new EnumMap<>(Workload.Op.class);
    private final Map<Workload.Op, Histogram> totals = new EnumMap<>(Workload.Op.class);
    private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    private final Map<Workload.Op, Histogram> spare = new EnumMap<>(Workload.Op.class);

    LatencyStats() {
        for (Workload.Op op : Workload.Op.values()) {
            recorders.put(op, new Recorder(HIGHEST_MICROS, 3));
            totals.put(op, new Histogram(HIGHEST_MICROS, 3));
        }
    }

    void record(Workload.Op op, long micros) {
        recorders.get(op).recordValue(Math.min(Math.max(micros, 1), HIGHEST_MICROS));
    }

    void error(Workload.Op op, String kind) {
        errors.computeIfAbsent(op.name().toLowerCase() + ": " + kind, k -> new LongAdder()).increment();
    }

    /** Moves what was recorded since the last call into the totals; answers it, all kinds merged. */
    synchronized Histogram drain() {
        Histogram interval = new Histogram(HIGHEST_MICROS, 3);
        for (Workload.Op op : Workload.Op.values()) {
            Histogram recent = recorders.get(op).getIntervalHistogram(spare.get(op));
            spare.put(op, recent);
            totals.get(op).add(recent);
            interval.add(recent);
        }
        return interval;
    }

    /** Forgets everything so far (the end of the warm-up). */
    synchronized void reset() {
        drain();
        totals.values().forEach(Histogram::reset);
        errors.clear();
    }

    synchronized Histogram total(Workload.Op op) {
        return totals.get(op).copy();
    }

    /** Operations recorded since the last reset, every kind together. */
    long operations() {
        long count = 0;
        for (Workload.Op op : Workload.Op.values()) {
            count += total(op).getTotalCount();
        }
        return count;
    }

    long errorCount() {
        return errors.values().stream().mapToLong(LongAdder::sum).sum();
    }

    Map<String, Long> errors() {
        Map<String, Long> result = new TreeMap<>();
        errors.forEach((kind, count) -> result.put(kind, count.sum()));
        return result;
    }
}
