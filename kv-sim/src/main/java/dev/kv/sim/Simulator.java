package dev.kv.sim;

import dev.kv.core.record.ConflictMode;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Runs many schedules, seed after seed, on several threads (each schedule on one thread, so each is still
 * determined by its seed alone), and sums what they did and found.
 */
final class Simulator {

    /** The sum of a batch of schedules. */
    record Report(long schedules, long passed, List<RunResult> failures, long simulatedMillis, long events,
                  long operations, long wallMillis, long lwwLostElements, long lwwStaleReads,
                  long lwwResurrections, Map<SimConfig.Change, Long> changes) {

        double schedulesPerSecond() {
            return schedules * 1000.0 / Math.max(1, wallMillis);
        }

        /** Simulated time per wall-clock time, over all threads. */
        double speedup() {
            return simulatedMillis / (double) Math.max(1, wallMillis);
        }

        String summary() {
            return String.format("%d schedules, %d failed, %.0f schedules/s, %.1f s simulated (%.0f× real time),"
                            + " %d operations, %d events, membership changes %s%s", schedules, schedules - passed,
                    schedulesPerSecond(), simulatedMillis / 1000.0, speedup(), operations, events, changes,
                    lwwLostElements + lwwStaleReads + lwwResurrections == 0 ? ""
                            : String.format("; LWW cost: %d acknowledged elements lost, %d stale strict reads,"
                            + " %d deleted values back", lwwLostElements, lwwStaleReads, lwwResurrections));
        }
    }

    private static final int TRACE_LINES = 4_000;
    private static final int FAILURES_KEPT = 5;

    private Simulator() {
    }

    static RunResult runOne(long seed, ConflictMode mode, Set<Bug> bugs) {
        return runOne(seed, mode, bugs, TRACE_LINES);
    }

    /** One schedule keeping the last {@code traceLines} lines of its trace (a replay keeps them all). */
    static RunResult runOne(long seed, ConflictMode mode, Set<Bug> bugs, int traceLines) {
        return new Simulation(Schedules.of(seed, mode, bugs), traceLines).run();
    }

    /**
     * Runs seeds {@code first .. first + count - 1}; stops early after {@code stopAfterFailures} failed schedules.
     * {@code progress} hears a line every ten seconds or so.
     */
    static Report run(long first, long count, ConflictMode mode, Set<Bug> bugs, int threads, int stopAfterFailures,
                      Consumer<String> progress) throws InterruptedException {
        AtomicLong next = new AtomicLong(first);
        long end = first + count;
        Totals totals = new Totals();
        long started = System.currentTimeMillis();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            workers.add(Thread.ofPlatform().name("sim-" + t).start(() -> {
                for (long seed = next.getAndIncrement(); seed < end && totals.failures() < stopAfterFailures;
                     seed = next.getAndIncrement()) {
                    totals.add(runOne(seed, mode, bugs));
                    totals.report(progress, count, started);
                }
            }));
        }
        for (Thread worker : workers) {
            worker.join();
        }
        return totals.report(System.currentTimeMillis() - started);
    }

    /** Sums results from the worker threads. */
    private static final class Totals {
        private long schedules;
        private long passed;
        private final List<RunResult> failures = new ArrayList<>();
        private long simulatedMillis;
        private long events;
        private long operations;
        private long lost;
        private long stale;
        private long resurrected;
        private final Map<SimConfig.Change, Long> changes = new TreeMap<>();
        private long lastProgress = System.currentTimeMillis();

        synchronized void add(RunResult result) {
            schedules++;
            simulatedMillis += result.simulatedMillis();
            events += result.events();
            operations += result.ok() + result.failed() + result.unknown();
            lost += result.findings().lwwLostElements();
            stale += result.findings().lwwStaleReads();
            resurrected += result.findings().lwwResurrections();
            changes.merge(result.config().change(), 1L, Long::sum);
            if (result.passed()) {
                passed++;
            } else if (failures.size() < FAILURES_KEPT) {
                failures.add(result);
            }
        }

        synchronized long failures() {
            return schedules - passed;
        }

        synchronized void report(Consumer<String> progress, long count, long started) {
            long now = System.currentTimeMillis();
            if (now - lastProgress >= 10_000) {
                lastProgress = now;
                progress.accept(String.format("%d/%d schedules, %d failed, %.0f/s", schedules, count,
                        schedules - passed, schedules * 1000.0 / Math.max(1, now - started)));
            }
        }

        synchronized Report report(long wallMillis) {
            return new Report(schedules, passed, List.copyOf(failures), simulatedMillis, events, operations,
                    wallMillis, lost, stale, resurrected, Collections.unmodifiableMap(new TreeMap<>(changes)));
        }
    }
}
