package dev.kv.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CPU time of the cluster's processes (issue 13), from {@code /proc/PID/stat} (user + system time of every thread),
 * taken when the measured run starts and when it ends: what an operation costs each process, which throughput alone
 * hides on a machine whose cores the services and the load tool share.
 */
final class ProcessCpu {

    /** Linux reports process times in clock ticks of 1/100 s on every architecture the JDK runs on. */
    private static final double MILLIS_PER_TICK = 10.0;

    private final Map<String, Long> pids;
    private Map<String, Long> start = Map.of();

    /** @param pids the processes to follow by name, e.g. {@code n1 -> 4242} */
    ProcessCpu(Map<String, Long> pids) {
        this.pids = pids;
    }

    /** Parses {@code name=pid,name=pid}. */
    static Map<String, Long> parse(String spec) {
        Map<String, Long> pids = new LinkedHashMap<>();
        for (String entry : spec.split(",")) {
            String[] parts = entry.trim().split("=", 2);
            if (parts.length != 2 || parts[0].isBlank()) {
                throw new IllegalArgumentException("--cpu takes name=pid[,name=pid...], not '" + entry + "'");
            }
            try {
                pids.put(parts[0].trim(), Long.parseLong(parts[1].trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--cpu: '" + parts[1] + "' is not a process id");
            }
        }
        return pids;
    }

    /** Marks the start of the measured run. */
    void start() {
        start = ticks();
    }

    /** Prints CPU milliseconds per operation and the share of one core, per process and for all of them. */
    void report(PrintStream out, long operations, double seconds) {
        Map<String, Long> end = ticks();
        if (operations <= 0 || end.isEmpty()) {
            return;
        }
        StringBuilder perOp = new StringBuilder("cpu ms per operation:");
        StringBuilder cores = new StringBuilder("cpu cores busy:      ");
        double total = 0;
        for (Map.Entry<String, Long> process : end.entrySet()) {
            Long before = start.get(process.getKey());
            if (before == null) {
                continue;
            }
            double millis = (process.getValue() - before) * MILLIS_PER_TICK;
            total += millis;
            perOp.append(String.format("  %s %.3f", process.getKey(), millis / operations));
            cores.append(String.format("  %s %.2f", process.getKey(), millis / 1000 / seconds));
        }
        out.println(perOp.append(String.format("  all %.3f", total / operations)));
        out.println(cores.append(String.format("  all %.2f", total / 1000 / seconds)));
    }

    /** User + system ticks per process still running; a process that is gone is left out. */
    private Map<String, Long> ticks() {
        Map<String, Long> ticks = new LinkedHashMap<>();
        pids.forEach((name, pid) -> {
            try {
                ticks.put(name, parseTicks(Files.readString(Path.of("/proc", pid.toString(), "stat"))));
            } catch (IOException | RuntimeException e) {
                // Not Linux, or the process has exited: nothing to report for it.
            }
        });
        return ticks;
    }

    /** utime + stime, fields 14 and 15 of {@code /proc/PID/stat}, counted after the command name's closing paren. */
    static long parseTicks(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }
}
