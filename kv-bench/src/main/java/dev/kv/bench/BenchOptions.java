package dev.kv.bench;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code ./kv bench} was asked to do, parsed and checked; {@link #HELP} lists every option.
 *
 * @param gateways     gateway base URLs, used round-robin
 * @param workload     the operation mix
 * @param records      keys loaded and then chosen from
 * @param valueSize    bytes per value
 * @param threads      concurrent clients (and connections per gateway)
 * @param duration     length of the measured run
 * @param warmup       run before measuring, not reported
 * @param consistency  preset sent with every operation
 * @param rate         target ops/s for an open loop; 0 runs a closed loop as fast as the threads go
 * @param load         load the records first
 * @param run          run the workload
 * @param distribution how keys are chosen: zipfian (YCSB's default) or uniform
 * @param timeout      per request
 * @param pingUrl      the URL the ping workload GETs
 * @param cpu          processes whose CPU time per operation is reported, by name ({@code ./kv bench} passes the local
 *                     cluster's)
 */
public record BenchOptions(List<URI> gateways, Workload.Mix workload, int records, int valueSize, int threads,
                           Duration duration, Duration warmup, String consistency, int rate, boolean load,
                           boolean run, String distribution, Duration timeout, URI pingUrl,
                           Map<String, Long> cpu) {

    public static final String HELP = """
            Usage: ./kv bench [options]   (java -jar kv-bench/target/kv-bench-*-exec.jar [options])

            Loads a data set through the gateway, then runs a workload against it and prints throughput and
            latency percentiles per operation (HdrHistogram), with progress every second.

              --url URL[,URL...]    gateway base URL(s), used round-robin       (default http://127.0.0.1:8080)
              --workload W          a (50% read, 50% update), b (95/5), c (100% read),
                                    f (50% read, 50% read-modify-write), R/U (e.g. 90/10), or
                                    ping (GET --ping-url: the tool's own ceiling)      (default a)
              --records N           keys to load and to choose from               (default 100000)
              --value-size BYTES    value size                                    (default 1024)
              --threads N           concurrent clients                            (default 32)
              --duration D          measured run, e.g. 30s, 2m                    (default 30s)
              --warmup D            unmeasured run before it                      (default 5s)
              --consistency C       strong | eventual | fast-write | fast-read    (default strong)
              --rate OPS            open loop at this many ops/s; latency counts from each operation's
                                    scheduled start, so a stall is not hidden (coordinated omission)
                                    (default 0: closed loop, as fast as the threads go)
              --phase P             load | run | both                             (default both)
              --distribution D      zipfian | uniform                             (default zipfian)
              --timeout D           per request                                   (default 2s)
              --ping-url URL        what the ping workload GETs    (default <url>/v1/cluster/preference-list?key=ping)
              --cpu NAME=PID,...    report CPU ms per operation of these processes over the measured run
                                    (./kv bench passes the local cluster's nodes and gateway)
              --help                this text
            """;

    /** Parses {@code --name value} pairs; throws {@link IllegalArgumentException} with a message for the user. */
    public static BenchOptions parse(String[] args) {
        Map<String, String> given = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String name = args[i];
            if (!name.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + name + "'");
            }
            String value;
            int equals = name.indexOf('=');
            if (equals > 0) {
                value = name.substring(equals + 1);
                name = name.substring(0, equals);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new IllegalArgumentException(name + " needs a value");
            }
            given.put(name.substring(2), value);
        }
        List<String> known = List.of("url", "workload", "records", "value-size", "threads", "duration", "warmup",
                "consistency", "rate", "phase", "distribution", "timeout", "ping-url", "cpu");
        for (String name : given.keySet()) {
            if (!known.contains(name)) {
                throw new IllegalArgumentException("unknown option --" + name + " (see --help)");
            }
        }
        List<URI> gateways = new ArrayList<>();
        for (String url : given.getOrDefault("url", "http://127.0.0.1:8080").split(",")) {
            gateways.add(URI.create(url.trim().replaceAll("/$", "")));
        }
        String phase = given.getOrDefault("phase", "both");
        if (!List.of("load", "run", "both").contains(phase)) {
            throw new IllegalArgumentException("--phase must be load, run or both");
        }
        String consistency = given.getOrDefault("consistency", "strong");
        if (!List.of("strong", "eventual", "fast-write", "fast-read").contains(consistency)) {
            throw new IllegalArgumentException("--consistency must be strong, eventual, fast-write or fast-read");
        }
        String distribution = given.getOrDefault("distribution", "zipfian");
        if (!List.of("zipfian", "uniform").contains(distribution)) {
            throw new IllegalArgumentException("--distribution must be zipfian or uniform");
        }
        Workload.Mix mix = Workload.Mix.parse(given.getOrDefault("workload", "a"));
        URI ping = URI.create(given.getOrDefault("ping-url",
                gateways.getFirst() + "/v1/cluster/preference-list?key=ping"));
        return new BenchOptions(gateways, mix, positive(given, "records", 100_000), positive(given, "value-size", 1024),
                positive(given, "threads", 32), duration(given.getOrDefault("duration", "30s")),
                duration(given.getOrDefault("warmup", "5s")), consistency, atLeastZero(given, "rate"),
                !phase.equals("run") && !mix.ping(), !phase.equals("load"), distribution,
                duration(given.getOrDefault("timeout", "2s")), ping,
                given.containsKey("cpu") ? ProcessCpu.parse(given.get("cpu")) : Map.of());
    }

    private static int positive(Map<String, String> given, String name, int fallback) {
        int value = integer(given, name, fallback);
        if (value < 1) {
            throw new IllegalArgumentException("--" + name + " must be at least 1");
        }
        return value;
    }

    private static int atLeastZero(Map<String, String> given, String name) {
        int value = integer(given, name, 0);
        if (value < 0) {
            throw new IllegalArgumentException("--" + name + " must not be negative");
        }
        return value;
    }

    private static int integer(Map<String, String> given, String name, int fallback) {
        String text = given.get(name);
        try {
            return text == null ? fallback : Integer.parseInt(text.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be a whole number, not '" + text + "'");
        }
    }

    /** {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h}. */
    static Duration duration(String text) {
        String lower = text.trim().toLowerCase(Locale.ROOT);
        try {
            if (lower.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(lower.substring(0, lower.length() - 2)));
            }
            long amount = Long.parseLong(lower.substring(0, lower.length() - 1));
            return switch (lower.charAt(lower.length() - 1)) {
                case 's' -> Duration.ofSeconds(amount);
                case 'm' -> Duration.ofMinutes(amount);
                case 'h' -> Duration.ofHours(amount);
                default -> throw new NumberFormatException();
            };
        } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
            throw new IllegalArgumentException("'" + text + "' is not a duration like 500ms, 30s, 2m or 1h");
        }
    }
}
