package dev.kv.gateway.quorum;

import dev.kv.core.quorum.QuorumOutcome;
import dev.kv.core.quorum.QuorumTracker;
import dev.kv.gateway.replica.ReplicaException;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Collects the answers of parallel replica calls until the quorum is reached or can no longer be, then lets the
 * waiting request go on while slower calls finish in the background. Thread-safe: callbacks arrive on the HTTP
 * client's threads.
 *
 * @param <T> what a successful call answers
 */
final class FanOut<T> {

    private final QuorumTracker tracker;
    private final Map<String, T> answers = new LinkedHashMap<>();
    private final CompletableFuture<Void> decided = new CompletableFuture<>();
    private final CompletableFuture<Void> allAnswered = new CompletableFuture<>();
    private int outstanding;

    FanOut(int needed, int contacted) {
        this.tracker = new QuorumTracker(needed, contacted);
        this.outstanding = contacted;
        if (tracker.state() != QuorumTracker.State.PENDING) {
            decided.complete(null);
        }
    }

    /** Counts an answer given before the fan-out started (the coordinator's own acknowledgement). */
    synchronized void success(String replica, T answer) {
        answers.put(replica, answer);
        answered(tracker.recordSuccess());
    }

    void track(String replica, CompletableFuture<T> call) {
        call.whenComplete((answer, failure) -> {
            synchronized (this) {
                if (failure == null) {
                    answers.put(replica, answer);
                    answered(tracker.recordSuccess());
                } else {
                    answered(tracker.recordFailure(replica, reason(failure)));
                }
            }
        });
    }

    private void answered(QuorumTracker.State state) {
        if (--outstanding <= 0) {
            allAnswered.complete(null);
        }
        if (state != QuorumTracker.State.PENDING) {
            decided.complete(null);
        }
    }

    /**
     * Waits until the quorum is decided or {@code timeout} passes (the calls' own timeouts normally decide first;
     * this bound only guards against a lost callback). A quorum that became impossible is reported only once the
     * remaining calls have answered too (within the same bound), so the 503 counts every replica that did answer.
     */
    QuorumOutcome await(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        waitFor(decided, deadline);
        synchronized (this) {
            if (tracker.state() != QuorumTracker.State.FAILED) {
                return tracker.outcome();
            }
        }
        waitFor(allAnswered, deadline);
        synchronized (this) {
            return tracker.outcome();
        }
    }

    private static void waitFor(CompletableFuture<Void> future, long deadlineNanos) {
        try {
            future.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            // Decide with what has arrived.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    boolean isDecided() {
        return decided.isDone();
    }

    synchronized Map<String, T> answers() {
        return new LinkedHashMap<>(answers);
    }

    static String reason(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        return cause instanceof ReplicaException replica ? replica.getMessage() : cause.toString();
    }
}
