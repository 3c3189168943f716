package dev.kv.gateway.quorum;

import dev.kv.core.codec.RecordCodec;
import dev.kv.core.hints.SloppyPlacement;
import dev.kv.core.quorum.QuorumOutcome;
import dev.kv.core.quorum.QuorumSpec;
import dev.kv.core.record.Record;
import dev.kv.core.version.WriteIds;
import dev.kv.core.write.CoordinatorLease;
import dev.kv.core.write.WriteAttempts;
import dev.kv.gateway.config.GatewayProperties;
import dev.kv.gateway.replica.CoordinateRequest;
import dev.kv.gateway.replica.ReplicaClient;
import dev.kv.gateway.replica.ReplicaException;
import dev.kv.gateway.routing.ClusterView;
import dev.kv.gateway.routing.NodeAddress;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The write path (DESIGN §3, §4).
 *
 * <pre>
 * gateway ──coordinate──▶ first usable replica of the preference list (the next one if it fails or is too slow)
 *         every attempt carries the client write's id and a deadline; after an attempt that may have been applied
 *         the next waits until the first can no longer apply and takes the write's alias dot ({@link WriteAttempts})
 *         ◀── new record ─┘  the coordinator merged the client's context, took a fresh dot, stored
 * gateway ──merge(record)──▶ the other N-1 home replicas in parallel
 *         a home replica that is down (gossip, breaker) or fails gets a hint instead: the next live node beyond the
 *         preference list keeps the record for it (counted toward W when sloppy), or, when there is none, a live
 *         home replica keeps it (never counted)
 * answer after W acknowledgements (the coordinator's counts); the rest finish in the background
 * </pre>
 */
@Component
public class QuorumWriter {

    private final ClusterView view;
    private final ReplicaClient client;
    private final Duration decisionTimeout;
    private final MeterRegistry registry;
    private final CoordinatorLease lease;
    private final InstantSource clock = InstantSource.system();
    private static final int HINT_HOLDER_ATTEMPTS = 2;

    QuorumWriter(ClusterView view, ReplicaClient client, GatewayProperties properties, MeterRegistry registry) {
        this.view = view;
        this.client = client;
        this.decisionTimeout = properties.replicaTimeout().multipliedBy(2).plusMillis(250);
        this.registry = registry;
        this.lease = properties.coordinatorLease();
    }

    /** Stores the write at W replicas (or stand-ins, when sloppy) and returns the coordinator's record. */
    public Record write(byte[] key, CoordinateRequest request, QuorumSpec spec, String operation) {
        List<NodeAddress> replicas = view.preferenceList(key);
        List<String> coordinatorFailures = new ArrayList<>();
        Record written = null;
        NodeAddress coordinator = null;
        WriteAttempts attempts = new WriteAttempts(lease, WriteIds.next(ThreadLocalRandom.current()));
        for (NodeAddress candidate : view.usableFirst(replicas)) {
            waitUntil(attempts.nextAttemptNotBefore());
            WriteAttempts.Attempt attempt = attempts.start(clock.millis());
            try {
                written = client.coordinate(candidate, key, request, attempt).join();
                coordinator = candidate;
                break;
            } catch (CompletionException e) {
                ReplicaException failure = unwrap(e);
                if (failure.isClientError()) {
                    throw new ReplicaRejectedException(failure);
                }
                WriteAttempts.Outcome outcome = failure.mayHaveApplied() ? WriteAttempts.Outcome.UNKNOWN
                        : WriteAttempts.Outcome.NOT_APPLIED;
                attempts.ended(attempt, outcome, clock.millis());
                Counter.builder("kv.write.coordinator.failovers")
                        .description("coordinator attempts that failed; unknown: the attempt may have been applied,"
                                + " so the next one waited for its deadline and took the write's alias dot")
                        .tag("outcome", outcome == WriteAttempts.Outcome.UNKNOWN ? "unknown" : "not_applied")
                        .register(registry).increment();
                coordinatorFailures.add(failure.describe());
            }
        }
        if (coordinator == null) {
            throw new QuorumNotReachedException(operation,
                    new QuorumOutcome.Insufficient(0, spec.w(), replicas.size(), coordinatorFailures));
        }
        byte[] encoded = RecordCodec.encode(written);
        FanOut<Void> fanOut = new FanOut<>(spec.w(), replicas.size());
        fanOut.success(coordinator.id(), null);
        for (NodeAddress replica : replicas) {
            if (replica.equals(coordinator)) {
                continue;
            }
            CompletableFuture<Void> copy = view.isUsable(replica.id()) ? client.merge(replica, key, encoded)
                    : CompletableFuture.failedFuture(new ReplicaException(replica.id(), 0,
                    "down (gossip or circuit breaker)", null));
            fanOut.track(replica.id(), copy.exceptionallyCompose(failure -> handOff(key, encoded, replica, spec,
                    failure)));
        }
        if (fanOut.await(decisionTimeout) instanceof QuorumOutcome.Insufficient insufficient) {
            throw new QuorumNotReachedException(operation, insufficient);
        }
        return written;
    }

    /**
     * Leaves a hint for a replica that did not take its copy. The returned future succeeds only when the hint counts
     * toward W (sloppy request, distinct stand-in); otherwise the hint is still stored but the copy counts as failed.
     * A holder that fails to take the hint is replaced by the next candidate once, so one slow holder does not lose it.
     */
    private CompletableFuture<Void> handOff(byte[] key, byte[] encoded, NodeAddress replica, QuorumSpec spec,
                                            Throwable failure) {
        return leaveHint(key, encoded, replica, Set.of(), HINT_HOLDER_ATTEMPTS)
                .handle((placement, hintFailure) -> {
                    if (hintFailure == null && spec.sloppy() && placement.countsTowardQuorum()) {
                        return CompletableFuture.<Void>completedFuture(null);
                    }
                    return CompletableFuture.<Void>failedFuture(failure);
                })
                .thenCompose(outcome -> outcome);
    }

    private CompletableFuture<SloppyPlacement.Placement> leaveHint(byte[] key, byte[] encoded, NodeAddress replica,
                                                                   Set<String> excluded, int attempts) {
        SloppyPlacement.Placement placement = SloppyPlacement.placements(view.ring(), key, view.replicationFactor(),
                id -> !id.equals(replica.id()) && !excluded.contains(id) && view.isUsable(id)).get(replica.id());
        NodeAddress holder = placement == null ? null : view.address(placement.holder());
        if (holder == null) {
            return CompletableFuture.failedFuture(new ReplicaException(replica.id(), 0, "no live hint holder", null));
        }
        return client.hint(holder, replica.id(), key, encoded)
                .whenComplete((ok, hintFailure) -> Counter.builder("kv.hints.sent")
                        .description("hints the gateway left for replicas that did not take their copy")
                        .tag("outcome", hintFailure == null ? "stored" : "failed").register(registry).increment())
                .thenApply(ok -> placement)
                .exceptionallyCompose(hintFailure -> {
                    if (attempts <= 1) {
                        return CompletableFuture.failedFuture(hintFailure);
                    }
                    Set<String> tried = new HashSet<>(excluded);
                    tried.add(holder.id());
                    return leaveHint(key, encoded, replica, tried, attempts - 1);
                });
    }

    /** Waits (on the request's virtual thread) until an unanswered attempt can no longer be applied. */
    private void waitUntil(long notBeforeMillis) {
        long now = clock.millis();
        if (notBeforeMillis <= now) {
            return;
        }
        try {
            Thread.sleep(notBeforeMillis - now);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a coordinator attempt to settle", e);
        }
    }

    static ReplicaException unwrap(CompletionException e) {
        return e.getCause() instanceof ReplicaException replica ? replica
                : new ReplicaException("?", 0, String.valueOf(e.getCause()), e.getCause());
    }
}
