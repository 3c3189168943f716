package dev.kv.it;

import dev.kv.it.robustness.Workload;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Registers written by one writer each and read by many, at {@code consistency=strong}, through several gateways
 * (issue 12's check of a membership change under load). Each key's writer writes increasing sequence numbers with
 * the causal context of its last acknowledged write; a reader notes the last sequence acknowledged before its read
 * begins and the read must return that or a later one. Every request that is not answered as expected counts as a
 * failure, with its reason.
 */
final class RegisterWorkload implements AutoCloseable {

    /** A strong read that returned less than a write acknowledged before the read began. */
    record StaleRead(String key, long acknowledgedBefore, long read, String gateway) {
    }

    private final List<GatewayClient> gateways;
    private final List<String> keys;
    private final String padding;
    private final Map<String, Long> acknowledged = new ConcurrentHashMap<>();
    private final Map<String, String> contexts = new ConcurrentHashMap<>();
    private final ConcurrentSkipListMap<String, Integer> failures = new ConcurrentSkipListMap<>();
    private final ConcurrentLinkedQueue<StaleRead> stale = new ConcurrentLinkedQueue<>();
    private final AtomicInteger writes = new AtomicInteger();
    private final AtomicInteger reads = new AtomicInteger();
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final List<Thread> threads = new ArrayList<>();

    /**
     * @param valueBytes about how large each value is
     */
    RegisterWorkload(List<GatewayClient> gateways, List<String> keys, int valueBytes) {
        this.gateways = List.copyOf(gateways);
        this.keys = List.copyOf(keys);
        this.padding = "x".repeat(Math.max(0, valueBytes - 24));
    }

    /** Writes sequence 0 of every key through the first gateway; every write must be acknowledged. */
    void preload() {
        for (String key : keys) {
            if (!write(gateways.getFirst(), key, 0)) {
                throw new IllegalStateException("preload of " + key + " failed: " + failures);
            }
        }
    }

    /** Starts {@code writers} writer threads (each owns every writers-th key) and {@code readers} reader threads. */
    void start(int writers, int readers) {
        for (int w = 0; w < writers; w++) {
            int self = w;
            threads.add(Thread.ofPlatform().name("writer-" + w).start(() -> writeLoop(self, writers)));
        }
        for (int r = 0; r < readers; r++) {
            threads.add(Thread.ofPlatform().name("reader-" + r).start(this::readLoop));
        }
    }

    private void writeLoop(int self, int writers) {
        int round = 0;
        while (!stopped.get()) {
            round++;
            for (int i = self; i < keys.size() && !stopped.get(); i += writers) {
                String key = keys.get(i);
                write(gateways.get(ThreadLocalRandom.current().nextInt(gateways.size())), key, round);
            }
        }
    }

    private boolean write(GatewayClient gateway, String key, long sequence) {
        writes.incrementAndGet();
        try {
            GatewayClient.Call call = gateway.put(key).text(sequence + ":" + padding).params("consistency=strong");
            String context = contexts.get(key);
            if (context != null) {
                call.context(context);
            }
            Reply reply = call.send();
            if (reply.status() == 204) {
                acknowledged.put(key, sequence);
                reply.optionalHeader("X-KV-Context").ifPresent(c -> contexts.put(key, c));
                return true;
            }
            fail("write HTTP " + reply.status() + (reply.isProblem() ? " " + reply.json().path("detail").asString()
                    : ""));
        } catch (RuntimeException e) {
            fail("write " + e.getClass().getSimpleName()
                    + (e.getCause() == null ? "" : " (" + e.getCause().getClass().getSimpleName() + ")"));
        }
        return false;
    }

    private void readLoop() {
        while (!stopped.get()) {
            String key = keys.get(ThreadLocalRandom.current().nextInt(keys.size()));
            GatewayClient gateway = gateways.get(ThreadLocalRandom.current().nextInt(gateways.size()));
            long before = acknowledged.getOrDefault(key, -1L);
            reads.incrementAndGet();
            try {
                long read = read(gateway, key);
                if (read < before) {
                    stale.add(new StaleRead(key, before, read, gateway.baseUri().toString()));
                }
            } catch (RuntimeException e) {
                fail("read " + e.getMessage());
            }
        }
    }

    /** The highest sequence among the key's values at strong, -1 when not found. */
    static long read(GatewayClient gateway, String key) {
        Reply reply = gateway.get(key).params("consistency=strong").accept("application/json").send();
        if (reply.status() == 404) {
            return -1;
        }
        if (reply.status() != 200 && reply.status() != 300) {
            throw new IllegalStateException("HTTP " + reply.status()
                    + (reply.isProblem() ? " " + reply.json().path("detail").asString() : ""));
        }
        return Workload.highestSequence(reply);
    }

    private void fail(String reason) {
        failures.merge(reason.replaceAll("\\d{3,}", "N"), 1, Integer::sum);
    }

    /** Stops every thread and waits for it. */
    @Override
    public void close() {
        stopped.set(true);
        for (Thread thread : threads) {
            try {
                thread.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Keys whose acknowledged sequence a strong read through {@code gateway} does not return now. */
    List<String> missingAcknowledged(GatewayClient gateway) {
        List<String> missing = new ArrayList<>();
        for (String key : keys) {
            long expected = acknowledged.getOrDefault(key, -1L);
            long read = read(gateway, key);
            if (read < expected) {
                missing.add(key + " (acknowledged " + expected + ", read " + read + ")");
            }
        }
        return missing;
    }

    Map<String, Integer> failures() {
        return Map.copyOf(failures);
    }

    List<StaleRead> staleReads() {
        return List.copyOf(stale);
    }

    int writes() {
        return writes.get();
    }

    int reads() {
        return reads.get();
    }

    List<String> keys() {
        return keys;
    }

    @Override
    public String toString() {
        return writes + " writes, " + reads + " reads, failures " + failures + ", stale reads " + stale.size();
    }
}
