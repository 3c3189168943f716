package dev.kv.bench;

import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Runs one operation against the gateway and records its latency or its error. The latency is measured from
 * {@code intendedStartNanos}, which an open loop sets to the operation's scheduled time, so that time spent waiting
 * behind a stalled request is counted (no coordinated omission).
 */
final class Operations {

    private final KvHttp http;
    private final BenchOptions options;
    private final LatencyStats stats;
    private final String query;

    Operations(KvHttp http, BenchOptions options, LatencyStats stats) {
        this.http = http;
        this.options = options;
        this.stats = stats;
        this.query = "consistency=" + options.consistency();
    }

    /** A value of the configured size: random bytes (so compression cannot flatter), different every call. */
    byte[] value() {
        byte[] value = new byte[options.valueSize()];
        ThreadLocalRandom.current().nextBytes(value);
        return value;
    }

    void run(Workload.Op op, String key, long intendedStartNanos) {
        try {
            String failure = switch (op) {
                case READ -> expect(http.get(key, query), 200, 300);
                case UPDATE -> expect(http.put(key, value(), query, null), 204, 204);
                case READ_MODIFY_WRITE -> readModifyWrite(key);
                case PING -> expect(http.getUrl(options.pingUrl()), 200, 200);
            };
            if (failure == null) {
                stats.record(op, (System.nanoTime() - intendedStartNanos) / 1000);
            } else {
                stats.error(op, failure);
            }
        } catch (UncheckedIOException e) {
            stats.error(op, e.getCause() instanceof SocketTimeoutException ? "timeout"
                    : e.getCause().getClass().getSimpleName());
        } catch (RuntimeException e) {
            stats.error(op, e.getClass().getSimpleName());
        }
    }

    private String readModifyWrite(String key) {
        KvHttp.Answer read = http.get(key, query);
        String failure = expect(read, 200, 300);
        return failure != null ? failure : expect(http.put(key, value(), query, read.context()), 204, 204);
    }

    /** {@code null} when the status is one of the two expected, else the error's kind. */
    private static String expect(KvHttp.Answer answer, int status, int alternative) {
        return answer.status() == status || answer.status() == alternative ? null : "HTTP " + answer.status();
    }
}
