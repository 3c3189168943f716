package dev.kv.sim;

import dev.kv.core.record.ConflictMode;

import java.util.EnumSet;
import java.util.Set;

/**
 * {@code ./kv simulate}: runs seeded schedules and prints a summary, or replays one seed with its trace.
 *
 * <pre>
 * ./kv simulate --seeds 1000000 [--from 1] [--mode lww] [--bug plain-vector-clocks] [--threads 2]
 * ./kv simulate --seed 4711                          replays one schedule and prints its trace
 * </pre>
 */
public final class SimulateMain {

    private SimulateMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        long from = 1;
        long seeds = 10_000;
        Long replay = null;
        ConflictMode mode = ConflictMode.VECTOR_CLOCK;
        Set<Bug> bugs = EnumSet.noneOf(Bug.class);
        int threads = Runtime.getRuntime().availableProcessors();
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : "";
            switch (args[i]) {
                case "--seeds" -> seeds = Long.parseLong(value);
                case "--from" -> from = Long.parseLong(value);
                case "--seed" -> replay = Long.parseLong(value);
                case "--mode" -> mode = ConflictMode.parse(value);
                case "--bug" -> bugs.add(Bug.valueOf(value.toUpperCase().replace('-', '_')));
                case "--threads" -> threads = Integer.parseInt(value);
                default -> {
                    System.err.println("unknown option " + args[i] + "; see the class comment of SimulateMain");
                    System.exit(2);
                }
            }
            i++;
        }
        if (replay != null) {
            RunResult result = Simulator.runOne(replay, mode, bugs, 5_000_000);
            System.out.println(Reports.describe(result, true));
            System.exit(result.passed() ? 0 : 1);
        }
        System.out.printf("simulating seeds %d..%d (%s%s) on %d threads%n", from, from + seeds - 1,
                mode.wireName(), bugs.isEmpty() ? "" : ", bugs " + bugs, threads);
        Simulator.Report report = Simulator.run(from, seeds, mode, bugs, threads, 5, System.out::println);
        System.out.println(report.summary());
        report.failures().forEach(failure -> System.out.println(Reports.describe(failure, false)));
        System.exit(report.failures().isEmpty() ? 0 : 1);
    }
}
