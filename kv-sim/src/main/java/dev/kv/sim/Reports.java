package dev.kv.sim;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** Formats a schedule's result for people: what failed, how to replay it, and the messages that led there. */
final class Reports {

    private static final int TAIL_LINES = 60;

    private Reports() {
    }

    /** A record as the trace shows it: its siblings' dots and values ("†" for a tombstone) and its clock's size. */
    static String compact(dev.kv.core.record.Record record) {
        StringBuilder text = new StringBuilder("[");
        for (var sibling : record.siblings()) {
            if (text.length() > 1) {
                text.append(", ");
            }
            String value = new String(sibling.value(), java.nio.charset.StandardCharsets.UTF_8);
            text.append(sibling.dot()).append('=').append(sibling.tombstone() ? "†"
                    : value.length() > 40 ? value.substring(0, 40) + "…" : value);
            if (sibling.writeId() != 0) {
                text.append(" w").append(dev.kv.core.version.WriteIds.format(sibling.writeId()), 0, 6);
            }
        }
        return text.append("] clock ").append(record.clock().size()).toString();
    }

    /** Text formatted only when printed: {@code prefix} and the record in {@link #compact} form. */
    static Object lazy(String prefix, dev.kv.core.record.Record record) {
        return new Object() {
            @Override
            public String toString() {
                return prefix + compact(record);
            }
        };
    }

    /** Text formatted only when printed. */
    static Object lazy(java.util.function.Supplier<String> text) {
        return new Object() {
            @Override
            public String toString() {
                return text.get();
            }
        };
    }

    static String replayCommand(SimConfig config) {
        String bugs = config.bugs().stream().map(b -> " --bug " + b.name().toLowerCase().replace('_', '-'))
                .sorted().collect(Collectors.joining());
        return "./kv simulate --seed " + config.seed() + " --mode " + config.mode().wireName() + bugs;
    }

    static String describe(RunResult result, boolean fullTrace) {
        SimConfig config = result.config();
        StringBuilder text = new StringBuilder()
                .append("seed ").append(config.seed()).append(result.passed() ? ": passed" : ": FAILED")
                .append(String.format(" (%d nodes, %d gateways, %d clients, %d operations: %d ok, %d failed,"
                                + " %d unknown; faults %s; sync-writes %s; %.1f s simulated, %d messages)%n",
                        config.nodes(), config.gateways(), config.clients(), config.operations(), result.ok(),
                        result.failed(), result.unknown(), result.faults(), config.syncWrites(),
                        result.simulatedMillis() / 1000.0, result.messages()));
        result.violations().forEach(v -> text.append("  violation: ").append(v).append('\n'));
        if (!result.passed()) {
            text.append("  replay: ").append(replayCommand(config)).append('\n');
            List<String> trace = result.trace();
            String key = keyOf(result.violations().getFirst());
            List<String> relevant = fullTrace || key == null ? trace
                    : trace.stream().filter(line -> line.contains(" " + key + " ") || line.contains("fault")
                    || line.contains("partition") || line.contains("heal") || line.contains("VIOLATION")).toList();
            List<String> shown = fullTrace ? relevant
                    : relevant.subList(Math.max(0, relevant.size() - TAIL_LINES), relevant.size());
            text.append("  trace").append(key == null || fullTrace ? "" : " (messages about " + key + ")")
                    .append(":\n");
            shown.forEach(line -> text.append("    ").append(line).append('\n'));
        }
        return text.toString();
    }

    /** The key a violation names ({@code ... of s2 ...}, {@code ... to s2 ...}, {@code key s2}), if any. */
    private static String keyOf(String violation) {
        for (String key : Set.copyOf(Workload.SET_KEYS)) {
            if (violation.contains(" " + key + " ")) {
                return key;
            }
        }
        for (String key : Workload.DELETE_KEYS) {
            if (violation.contains(" " + key + " ")) {
                return key;
            }
        }
        return null;
    }
}
