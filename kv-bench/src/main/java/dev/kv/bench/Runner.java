package dev.kv.bench;

import org.HdrHistogram.Histogram;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The two phases of a benchmark: loading the records, then running the workload for a while, each on
 * {@code threads} platform threads (one blocking connection each), with a progress line every second.
 */
final class Runner {

    private final BenchOptions options;
    private final KvHttp http;
    private final PrintStream out;

    Runner(BenchOptions options, KvHttp http, PrintStream out) {
        this.options = options;
        this.http = http;
        this.out = out;
    }

    /** PUTs records 0..records-1 at the configured consistency; answers the seconds it took. */
    double load(LatencyStats stats) throws InterruptedException {
        Operations operations = new Operations(http, options, stats);
        AtomicLong next = new AtomicLong();
        AtomicLong done = new AtomicLong();
        long start = System.nanoTime();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < options.threads(); t++) {
            workers.add(Thread.ofPlatform().name("load-" + t).start(() -> {
                for (long i = next.getAndIncrement(); i < options.records(); i = next.getAndIncrement()) {
                    operations.run(Workload.Op.UPDATE, Workload.key(i), System.nanoTime());
                    done.incrementAndGet();
                }
            }));
        }
        long lastDone = 0;
        while (!finished(workers, 1000)) {
            stats.drain();
            long now = done.get();
            out.printf("load  %5.0fs  %,d / %,d records (%.0f%%)  %,d rec/s  errors %,d%n", seconds(start),
                    now, options.records(), 100.0 * now / options.records(), now - lastDone, stats.errorCount());
            lastDone = now;
        }
        stats.drain();
        double seconds = seconds(start);
        out.printf("load  done: %,d records of %,d bytes in %.1f s, %,.0f rec/s, errors %,d%n", options.records(),
                options.valueSize(), seconds, options.records() / seconds, stats.errorCount());
        return seconds;
    }

    /** Runs the workload for the warm-up (then forgets it) and the duration; answers the measured seconds. */
    double run(Workload workload, LatencyStats stats) throws InterruptedException {
        return run(workload, stats, new ProcessCpu(Map.of()));
    }

    /** As {@link #run(Workload, LatencyStats)}, marking the start of the measured run on {@code cpu}. */
    double run(Workload workload, LatencyStats stats, ProcessCpu cpu) throws InterruptedException {
        Operations operations = new Operations(http, options, stats);
        AtomicBoolean stop = new AtomicBoolean();
        long startNanos = System.nanoTime();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < options.threads(); t++) {
            int thread = t;
            workers.add(Thread.ofPlatform().name("run-" + t).start(() ->
                    work(workload, operations, stop, startNanos, thread)));
        }
        long warmupEnd = startNanos + options.warmup().toNanos();
        long end = warmupEnd + options.duration().toNanos();
        boolean measuring = options.warmup().isZero();
        long measuredFrom = startNanos;
        if (measuring) {
            cpu.start();
        }
        while (System.nanoTime() < end) {
            LockSupport.parkNanos(Math.min(1_000_000_000L, end - System.nanoTime()));
            if (!measuring && System.nanoTime() >= warmupEnd) {
                stats.reset();
                cpu.start();
                measuring = true;
                measuredFrom = System.nanoTime();
                out.println("run   warm-up over, measuring");
                continue;
            }
            Histogram second = stats.drain();
            out.printf("run   %5.0fs  %,8.0f ops/s  p50 %6.2f ms  p99 %7.2f ms  errors %,d%s%n", seconds(startNanos),
                    second.getTotalCount() / 1.0, millis(second, 50), millis(second, 99), stats.errorCount(),
                    measuring ? "" : "  (warm-up)");
        }
        stop.set(true);
        finished(workers, Duration.ofSeconds(30).toMillis());
        stats.drain();
        return (System.nanoTime() - measuredFrom) / 1e9;
    }

    private void work(Workload workload, Operations operations, AtomicBoolean stop, long startNanos, int thread) {
        if (options.rate() == 0) {
            while (!stop.get()) {
                operations.run(workload.nextOp(), workload.nextKey(), System.nanoTime());
            }
            return;
        }
        // Open loop: this thread's share of the rate, its schedule offset from the other threads'.
        long interval = (long) (options.threads() * 1e9 / options.rate());
        long scheduled = startNanos + interval * thread / options.threads();
        while (!stop.get()) {
            long wait = scheduled - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            operations.run(workload.nextOp(), workload.nextKey(), scheduled);
            scheduled += interval;
        }
    }

    private static boolean finished(List<Thread> workers, long waitMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + waitMillis;
        for (Thread worker : workers) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0 || !worker.join(Duration.ofMillis(left))) {
                return false;
            }
        }
        return true;
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    static double millis(Histogram histogram, double percentile) {
        return histogram.getTotalCount() == 0 ? 0 : histogram.getValueAtPercentile(percentile) / 1000.0;
    }
}
