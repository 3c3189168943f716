package dev.kv.bench;

import org.HdrHistogram.Histogram;

import java.io.PrintStream;
import java.util.Map;

/** {@code ./kv bench}: see {@link BenchOptions#HELP}. */
public final class Bench {

    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && (args[0].equals("--help") || args[0].equals("-h"))) {
            System.out.print(BenchOptions.HELP);
            return;
        }
        BenchOptions options;
        try {
            options = BenchOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("kv bench: " + e.getMessage());
            System.exit(2);
            return;
        }
        PrintStream out = System.out;
        out.printf("kv bench: workload %s, %,d records of %,d bytes, %d threads, %s, consistency %s, %s, against %s%n",
                options.workload().name(), options.records(), options.valueSize(), options.threads(),
                options.rate() == 0 ? "closed loop" : "open loop at " + options.rate() + " ops/s",
                options.consistency(), options.distribution(), options.gateways());
        try (KvHttp http = new KvHttp(options.gateways(), options.threads(), options.timeout())) {
            Runner runner = new Runner(options, http, out);
            if (options.load()) {
                LatencyStats loadStats = new LatencyStats();
                print(out, loadStats, runner.load(loadStats));
            }
            if (options.run()) {
                LatencyStats stats = new LatencyStats();
                ProcessCpu cpu = new ProcessCpu(options.cpu());
                double seconds = runner.run(new Workload(options.workload(), options.records(),
                        options.distribution()), stats, cpu);
                print(out, stats, seconds);
                cpu.report(out, stats.operations(), seconds);
            }
        }
    }

    /** The summary table: per operation count, throughput and percentiles in milliseconds; then errors by kind. */
    static void print(PrintStream out, LatencyStats stats, double seconds) {
        out.println();
        out.printf("%-18s %10s %10s %9s %9s %9s %9s %9s%n", "operation", "count", "ops/s", "p50 ms", "p95 ms",
                "p99 ms", "p99.9 ms", "max ms");
        Histogram all = new Histogram(3);
        for (Workload.Op op : Workload.Op.values()) {
            Histogram h = stats.total(op);
            if (h.getTotalCount() > 0) {
                row(out, op.name().toLowerCase(), h, seconds);
                all.add(h);
            }
        }
        row(out, "all", all, seconds);
        Map<String, Long> errors = stats.errors();
        out.println(errors.isEmpty() ? "errors: none" : "errors: " + errors);
    }

    private static void row(PrintStream out, String name, Histogram h, double seconds) {
        out.printf("%-18s %,10d %,10.0f %9.2f %9.2f %9.2f %9.2f %9.2f%n", name, h.getTotalCount(),
                seconds > 0 ? h.getTotalCount() / seconds : Double.NaN, Runner.millis(h, 50), Runner.millis(h, 95),
                Runner.millis(h, 99), Runner.millis(h, 99.9), h.getMaxValue() / 1000.0);
    }
}
