package dev.kv.gateway.quorum;

import dev.kv.core.placement.TopologyMessage;
import dev.kv.core.quorum.QuorumOutcome;
import dev.kv.core.quorum.QuorumTracker;
import dev.kv.gateway.replica.ReplicaException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * Collects the answers of parallel replica calls until the quorum is reached or can no longer be, then lets the
 * waiting request go on while slower calls finish in the background. Thread-safe: callbacks arrive on the HTTP
 * client's threads.
 *
 * @param <T> what a successful call answers
 */
final class FanOut<T> {

    private final QuorumTracker tracker;
    private final Predicate<T> hinted;
    private final Map<String, T> answers = new LinkedHashMap<>();
    private final List<ReplicaException> fenced = new ArrayList<>();
    private final CompletableFuture<Void> decided = new CompletableFuture<>();
    private final CompletableFuture<Void> allAnswered = new CompletableFuture<>();
    private int outstanding;

    FanOut(int needed, int contacted) {
        this(new QuorumTracker(needed, contacted), contacted, answer -> false);
    }

    /**
     * @param tracker   decides when the quorum is reached (the joint rule of a membership change for writes)
     * @param contacted how many calls will be counted, successes given in advance included
     * @param hinted    which answers are hints standing in for their replica rather than the replica's own copy
     */
    FanOut(QuorumTracker tracker, int contacted, Predicate<T> hinted) {
        this.tracker = tracker;
        this.hinted = hinted;
        this.outstanding = contacted;
        if (tracker.state() != QuorumTracker.State.PENDING) {
            decided.complete(null);
        }
    }

    /** Counts an answer given before the fan-out started (the coordinator's own acknowledgement). */
    synchronized void success(String replica, T answer) {
        answers.put(replica, answer);
        answered(record(replica, answer));
    }

    private QuorumTracker.State record(String replica, T answer) {
        return hinted.test(answer) ? tracker.recordHintedSuccess(replica) : tracker.recordSuccess(replica);
    }

    void track(String replica, CompletableFuture<T> call) {
        call.whenComplete((answer, failure) -> {
            synchronized (this) {
                if (failure == null) {
                    answers.put(replica, answer);
                    answered(record(replica, answer));
                } else {
                    if (unwrap(failure) instanceof ReplicaException replicaFailure && replicaFailure.isFenced()) {
                        fenced.add(replicaFailure);
                    }
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

    /** The newest topology a fenced replica answered with, if any replica refused a stale routing. */
    synchronized Optional<TopologyMessage> newerTopology() {
        if (fenced.isEmpty()) {
            return Optional.empty(); // every request asks; almost none was fenced
        }
        return fenced.stream().map(ReplicaException::newerTopology).filter(Objects::nonNull).findFirst();
    }

    /** Whether a replica refused because its own topology is older than the routing's (it is catching up). */
    synchronized boolean anyBehind() {
        return fenced.stream().anyMatch(f -> f.newerTopology() == null);
    }

    static String reason(Throwable failure) {
        Throwable cause = unwrap(failure);
        return cause instanceof ReplicaException replica ? replica.getMessage() : cause.toString();
    }

    private static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }
}
