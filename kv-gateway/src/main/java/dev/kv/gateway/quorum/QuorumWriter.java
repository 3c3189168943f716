package dev.kv.gateway.quorum;

import dev.kv.core.codec.RecordCodec;
import dev.kv.core.contract.FailureKind;
import dev.kv.core.hints.SloppyPlacement;
import dev.kv.core.quorum.QuorumOutcome;
import dev.kv.core.quorum.QuorumSpec;
import dev.kv.core.quorum.QuorumTracker;
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
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The write path (DESIGN §3, §4).
 *
 * <pre>
 * gateway ──coordinate──▶ first usable replica of the preference list (the next one if it fails or is too slow)
 *         every attempt carries the client write's id and a deadline; after an attempt that may have been applied
 *         the next waits until the first can no longer apply and takes the write's alias dot ({@link WriteAttempts})
 *         ◀── new record ─┘  the coordinator merged the client's context, took a fresh dot, stored
 * gateway ──merge(record)──▶ the other N-1 home replicas in parallel (during a membership change: every replica of the
 *         current and the target placement; acknowledged with W of each, hints counting on the current side only)
 *         every call carries the gateway's topology version; a node holding a newer one refuses and sends it, and
 *         the request is planned again by it
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
    /** Times one request is planned again after a node showed the gateway a newer topology. */
    private static final int MAX_REPLANS = 3;
    /** How long a request waits before it is sent again to replicas that were behind its topology. */
    static final long BEHIND_PAUSE_MILLIS = 100;

    QuorumWriter(ClusterView view, ReplicaClient client, GatewayProperties properties, MeterRegistry registry) {
        this.view = view;
        this.client = client;
        this.decisionTimeout = properties.replicaTimeout().multipliedBy(2).plusMillis(250);
        this.registry = registry;
        this.lease = properties.coordinatorLease();
    }

    /** How a replica took its copy: stored it, or a stand-in keeps a hint for it. */
    enum Delivery { STORED, HINTED }

    /** Stores the write at W replicas (or stand-ins, when sloppy) and returns the coordinator's record. */
    public Record write(byte[] key, CoordinateRequest request, QuorumSpec spec, String operation) {
        ClusterView.Routing routing = view.routing(key);
        List<String> coordinatorFailures = new ArrayList<>();
        Record written = null;
        NodeAddress coordinator = null;
        WriteAttempts attempts = new WriteAttempts(lease, WriteIds.next(ThreadLocalRandom.current()));
        int replans = 0;
        boolean replanned = true;
        boolean behind = false;
        while (coordinator == null && replanned) {
            replanned = false;
            for (NodeAddress candidate : view.usableFirst(routing.writeReplicas())) {
                waitUntil(attempts.nextAttemptNotBefore());
                WriteAttempts.Attempt attempt = attempts.start(clock.millis());
                try {
                    written = client.coordinate(candidate, key, request, attempt, routing.topology()).join();
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
                            .description("coordinator attempts that failed; unknown: the attempt may have been"
                                    + " applied, so the next one waited for its deadline and took the write's alias dot")
                            .tag("outcome", outcome == WriteAttempts.Outcome.UNKNOWN ? "unknown" : "not_applied")
                            .register(registry).increment();
                    coordinatorFailures.add(failure.describe());
                    if (replans < MAX_REPLANS && failure.newerTopology() != null
                            && view.adopt(failure.newerTopology(), routing.topology())) {
                        replans++;
                        routing = replanned(key);
                        replanned = true;
                        break;
                    }
                    if (failure.isFenced()) {
                        behind = true;
                    }
                }
            }
            if (coordinator == null && !replanned && behind && replans < MAX_REPLANS) {
                // Replicas that have not yet adopted the routing's topology: they catch up within a round trip
                // of the change's push, or a gossip round; try again once they had a moment.
                replans++;
                behind = false;
                waitUntil(clock.millis() + BEHIND_PAUSE_MILLIS);
                routing = replanned(key);
                replanned = true;
            }
        }
        if (coordinator == null) {
            throw new QuorumNotReachedException(operation, new QuorumOutcome.Insufficient(0, spec.w(),
                    routing.writeReplicas().size(), coordinatorFailures));
        }
        byte[] encoded = RecordCodec.encode(written);
        Set<String> stored = ConcurrentHashMap.newKeySet();
        stored.add(coordinator.id());
        while (true) {
            FanOut<Delivery> fanOut = replicate(key, encoded, routing, spec, stored);
            QuorumOutcome outcome = fanOut.await(decisionTimeout);
            if (outcome instanceof QuorumOutcome.Insufficient insufficient) {
                // A replica that holds a newer topology refused its copy: plan the copies again by that topology
                // (the coordinator's record is the same), counting the replicas that already stored it.
                var newer = fanOut.newerTopology();
                if (replans < MAX_REPLANS && newer.isPresent() && view.adopt(newer.get(), routing.topology())) {
                    replans++;
                    routing = replanned(key);
                    continue;
                }
                if (replans < MAX_REPLANS && fanOut.anyBehind()) {
                    replans++;
                    waitUntil(clock.millis() + BEHIND_PAUSE_MILLIS);
                    routing = replanned(key);
                    continue;
                }
                throw new QuorumNotReachedException(operation, insufficient);
            }
            String routedWith = routing.topology();
            fanOut.newerTopology().ifPresent(newer -> view.adopt(newer, routedWith));
            return written;
        }
    }

    /**
     * Sends the coordinator's record to every replica of the routing that has not stored it yet and counts the
     * answers by the joint rule of a membership change (W current and W target; the same as plain W outside one).
     */
    private FanOut<Delivery> replicate(byte[] key, byte[] encoded, ClusterView.Routing routing, QuorumSpec spec,
                                       Set<String> stored) {
        List<String> replicas = routing.placement().writeReplicas();
        FanOut<Delivery> fanOut = new FanOut<>(QuorumTracker.joint(routing.placement(), spec.w()), replicas.size(),
                delivery -> delivery == Delivery.HINTED);
        for (String id : replicas) {
            if (stored.contains(id)) {
                fanOut.success(id, Delivery.STORED);
                continue;
            }
            NodeAddress replica = routing.addresses().get(id);
            if (replica == null) {
                fanOut.track(id, CompletableFuture.failedFuture(new ReplicaException(id, FailureKind.NOT_CALLED,
                        "no address known for it", null)));
                continue;
            }
            CompletableFuture<Delivery> copy = (view.isUsable(id)
                    ? client.merge(replica, key, encoded, routing.topology())
                    : CompletableFuture.<Void>failedFuture(new ReplicaException(id, FailureKind.NOT_CALLED,
                    "down (gossip or circuit breaker)", null)))
                    .thenApply(ok -> {
                        stored.add(id);
                        return Delivery.STORED;
                    });
            fanOut.track(id, copy.exceptionallyCompose(failure -> unwrapFenced(failure)
                    ? CompletableFuture.failedFuture(failure) : handOff(key, encoded, replica, spec, failure)));
        }
        return fanOut;
    }

    private ClusterView.Routing replanned(byte[] key) {
        Counter.builder("kv.membership.replans")
                .description("requests planned again because a node held a newer topology").register(registry)
                .increment();
        return view.routing(key);
    }

    private static boolean unwrapFenced(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        return cause instanceof ReplicaException replica && replica.isFenced();
    }

    /**
     * Leaves a hint for a replica that did not take its copy. The returned future succeeds only when the hint counts
     * toward W (sloppy request, distinct stand-in); otherwise the hint is still stored but the copy counts as failed.
     * A holder that fails to take the hint is replaced by the next candidate once, so one slow holder does not lose it.
     */
    private CompletableFuture<Delivery> handOff(byte[] key, byte[] encoded, NodeAddress replica, QuorumSpec spec,
                                                Throwable failure) {
        return leaveHint(key, encoded, replica, Set.of(), HINT_HOLDER_ATTEMPTS)
                .handle((placement, hintFailure) -> {
                    if (hintFailure == null && spec.sloppy() && placement.countsTowardQuorum()) {
                        return CompletableFuture.completedFuture(Delivery.HINTED);
                    }
                    return CompletableFuture.<Delivery>failedFuture(failure);
                })
                .thenCompose(outcome -> outcome);
    }

    private CompletableFuture<SloppyPlacement.Placement> leaveHint(byte[] key, byte[] encoded, NodeAddress replica,
                                                                   Set<String> excluded, int attempts) {
        SloppyPlacement.Placement placement = SloppyPlacement.placements(view.ring(), key, view.replicationFactor(),
                id -> !id.equals(replica.id()) && !excluded.contains(id) && view.isUsable(id)).get(replica.id());
        NodeAddress holder = placement == null ? null : view.address(placement.holder());
        if (holder == null) {
            return CompletableFuture.failedFuture(new ReplicaException(replica.id(), FailureKind.NOT_CALLED,
                    "no live hint holder", null));
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
