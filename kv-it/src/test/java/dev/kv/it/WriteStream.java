package dev.kv.it;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;

/** Writes key after key at w=2 until stopped, remembering which ones the gateway acknowledged with 204. */
final class WriteStream implements Runnable {

    private final GatewayClient gateway;
    private final String prefix;
    private final Duration phaseTimeout;
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final ConcurrentLinkedQueue<String> acknowledged = new ConcurrentLinkedQueue<>();
    private final AtomicInteger acknowledgedCount = new AtomicInteger();
    private final AtomicInteger attempted = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final ConcurrentSkipListMap<String, Integer> failures = new ConcurrentSkipListMap<>();

    WriteStream(GatewayClient gateway, String prefix, Duration phaseTimeout) {
        this.gateway = gateway;
        this.prefix = prefix;
        this.phaseTimeout = phaseTimeout;
    }

    static String valueOf(String key) {
        return "value of " + key;
    }

    @Override
    public void run() {
        for (int i = 0; !stopped.get() && !Thread.currentThread().isInterrupted(); i++) {
            String key = prefix + "/" + i;
            attempted.incrementAndGet();
            try {
                Reply reply = gateway.write(key, valueOf(key), "w=2");
                if (reply.status() == 204) {
                    acknowledged.add(key);
                    acknowledgedCount.incrementAndGet();
                } else {
                    failed.incrementAndGet();
                    String detail = reply.isProblem() ? " " + reply.json().path("detail").asString() : "";
                    failures.merge("HTTP " + reply.status() + detail.replaceAll("[0-9a-f]{8}-\\d+", "K"), 1,
                            Integer::sum);
                }
            } catch (RuntimeException e) {
                // Not acknowledged: the write may or may not have been stored, and that is allowed.
                failed.incrementAndGet();
                failures.merge(e.getClass().getSimpleName(), 1, Integer::sum);
            }
        }
    }

    void awaitAcknowledged(int count) {
        try {
            await("the stream reaching " + count + " acknowledged writes").atMost(phaseTimeout)
                    .pollInterval(Duration.ofMillis(50)).until(() -> acknowledgedCount.get() >= count);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("the stream reached " + acknowledgedCount.get() + " of " + count
                    + " acknowledged writes; " + attempted.get() + " attempted, failures " + failures, e);
        }
    }

    void stop() {
        stopped.set(true);
    }

    List<String> acknowledged() {
        return List.copyOf(acknowledged);
    }

    int acknowledgedCount() {
        return acknowledgedCount.get();
    }

    int attempted() {
        return attempted.get();
    }

    int failed() {
        return failed.get();
    }

    String failures() {
        return failures.toString();
    }
}
