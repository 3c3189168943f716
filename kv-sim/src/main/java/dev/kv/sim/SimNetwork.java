package dev.kv.sim;

import dev.kv.core.contract.FailureKind;
import dev.kv.core.contract.ReplicaFailure;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.BiConsumer;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The simulated network between named endpoints (nodes and gateways): every message takes a random delay and may be
 * lost, duplicated or reordered; links can be cut one way or both; an endpoint can be clogged (its messages take
 * much longer, FoundationDB's "swizzle-clogging"). Calls are request and answer, each a message of its own, bounded
 * by the caller's timeout; a call to a process that is not running is refused.
 */
final class SimNetwork {

    /** Thrown by a call's handler to answer with a failure instead of a result. */
    static final class Refusal extends RuntimeException {
        final transient ReplicaFailure failure;

        Refusal(FailureKind kind, String reason) {
            this(ReplicaFailure.of(kind, reason));
        }

        Refusal(ReplicaFailure failure) {
            super(failure.reason(), null, false, false);
            this.failure = failure;
        }
    }

    private final EventLoop loop;
    private final SplittableRandom random;
    private final Trace trace;
    private final Set<String> cut = new HashSet<>();
    private final Map<String, Long> cloggedUntil = new HashMap<>();
    private Predicate<String> running = endpoint -> true;
    private double loss;
    private double duplication;
    private long minDelay = 1;
    private long maxDelay = 4;
    private long sent;
    private long dropped;

    SimNetwork(EventLoop loop, SplittableRandom random, Trace trace) {
        this.loop = loop;
        this.random = random;
        this.trace = trace;
    }

    void running(Predicate<String> isRunning) {
        this.running = isRunning;
    }

    void conditions(double loss, double duplication, long minDelay, long maxDelay) {
        this.loss = loss;
        this.duplication = duplication;
        this.minDelay = minDelay;
        this.maxDelay = maxDelay;
    }

    void cut(String from, String to) {
        cut.add(from + ">" + to);
    }

    void uncut(String from, String to) {
        cut.remove(from + ">" + to);
    }

    void clog(String endpoint, long until) {
        cloggedUntil.put(endpoint, until);
    }

    /** Heals every cut and clog and restores a clean network. */
    void heal() {
        cut.clear();
        cloggedUntil.clear();
        conditions(0, 0, 1, 4);
    }

    long sent() {
        return sent;
    }

    long dropped() {
        return dropped;
    }

    /**
     * Calls {@code handler} on {@code to} and hands its result (or failure) to {@code callback} back on {@code from},
     * or a timeout failure when no answer came within {@code timeoutMillis}. The callback runs exactly once, unless
     * the caller is no longer running when it is due ({@code callerAlive}).
     */
    <T> void call(String from, String to, Object label, long timeoutMillis, Supplier<T> handler,
                  Supplier<Boolean> callerAlive, BiConsumer<T, ReplicaFailure> callback) {
        boolean[] answered = {false};
        BiConsumer<T, ReplicaFailure> once = (result, failure) -> {
            if (!answered[0] && callerAlive.get()) {
                answered[0] = true;
                callback.accept(result, failure);
            }
        };
        loop.after(timeoutMillis, () -> once.accept(null,
                ReplicaFailure.of(FailureKind.TIMEOUT, "timeout after " + timeoutMillis + " ms")));
        send(from, to, label, "", () -> {
            if (!running.test(to)) {
                send(to, from, label, " refused", () -> once.accept(null,
                        ReplicaFailure.of(FailureKind.UNREACHABLE, "connection refused")));
                return;
            }
            T result;
            try {
                result = handler.get();
            } catch (Refusal refusal) {
                send(to, from, label, " failed: " + refusal.getMessage(), () -> once.accept(null, refusal.failure));
                return;
            }
            send(to, from, label, result instanceof dev.kv.core.record.Record record
                    ? Reports.lazy(" ok ", record) : " ok", () -> once.accept(result, null));
        });
    }

    /**
     * Sends one message; {@code deliver} runs on arrival if the link holds and the receiver runs. The label is
     * formatted only if the trace is printed.
     */
    void send(String from, String to, Object label, Object suffix, Runnable deliver) {
        sent++;
        if (cut.contains(from + ">" + to) || random.nextDouble() < loss) {
            dropped++;
            trace.add("%s -x-> %s  %s%s (lost)", from, to, label, suffix);
            return;
        }
        deliverAfter(from, to, label, suffix, deliver, delay(from, to));
        if (random.nextDouble() < duplication) {
            deliverAfter(from, to, label, suffix + " (duplicate)", deliver, delay(from, to));
        }
    }

    private void deliverAfter(String from, String to, Object label, Object suffix, Runnable deliver, long delay) {
        loop.after(delay, () -> {
            if (cut.contains(from + ">" + to)) {
                dropped++;
                trace.add("%s -x-> %s  %s%s (cut in flight)", from, to, label, suffix);
                return;
            }
            trace.add("%s ---> %s  %s%s", from, to, label, suffix);
            deliver.run();
        });
    }

    private long delay(String from, String to) {
        long delay = minDelay + (maxDelay > minDelay ? random.nextLong(maxDelay - minDelay + 1) : 0);
        if (loop.now() < cloggedUntil.getOrDefault(from, 0L) || loop.now() < cloggedUntil.getOrDefault(to, 0L)) {
            delay += 100 + random.nextLong(300);
        }
        return delay;
    }
}
