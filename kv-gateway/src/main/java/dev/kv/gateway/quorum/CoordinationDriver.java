package dev.kv.gateway.quorum;

import dev.kv.core.codec.RecordCodec;
import dev.kv.core.contract.FailureKind;
import dev.kv.core.contract.ReplicaFailure;
import dev.kv.core.coordination.Action;
import dev.kv.core.coordination.Coordination;
import dev.kv.core.coordination.Outcome;
import dev.kv.core.record.Record;
import dev.kv.gateway.config.GatewayProperties;
import dev.kv.gateway.replica.CoordinateRequest;
import dev.kv.gateway.replica.ReplicaClient;
import dev.kv.gateway.replica.ReplicaException;
import dev.kv.gateway.routing.NodeAddress;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.LongFunction;

/**
 * Runs one request's kv-core {@link Coordination} (the write or read path's decisions) over HTTP: the machine decides,
 * this carries its actions out and feeds back what happened.
 *
 * <pre>
 * request thread ──start──▶ machine ──actions──▶ replica calls (ReplicaClient), wake-ups (CoordinationTimer), metrics
 * a call's answer or failure, a wake-up ──succeeded / failed / tick──▶ machine ──actions──▶ ...
 * the request thread waits until the machine knows the outcome and answers the client with it; the machine runs on
 * (late reads and their repairs, remaining copies and hints) until it is finished
 * </pre>
 *
 * Events of one request come from HTTP client threads, timer threads and the request's own thread: each is handed to
 * the machine under the request's lock, and the actions it answers are carried out after the lock is released (a
 * coordinate call may run on the calling thread, and its answer then comes back at once as the next event).
 */
@Component
class CoordinationDriver {

    private static final Logger log = LoggerFactory.getLogger(CoordinationDriver.class);

    private final ViewRouting view;
    private final ReplicaClient client;
    private final CoordinationTimer timer;
    private final MeterRegistry registry;
    private final long callBoundMillis;

    CoordinationDriver(ViewRouting view, ReplicaClient client, CoordinationTimer timer, GatewayProperties properties,
                       MeterRegistry registry) {
        this.view = view;
        this.client = client;
        this.timer = timer;
        this.registry = registry;
        // Above both decision timeouts: the transport ends every call within the replica timeout; this only guards
        // a write against a coordinator's answer lost on the way back.
        this.callBoundMillis = properties.replicaTimeout().multipliedBy(2).plusMillis(500).toMillis();
    }

    /**
     * Runs the coordination until its outcome is known and answers it: the coordinator's record of a write, the
     * merge of a read ({@link Record#EMPTY} when no replica has the key).
     *
     * @param write     the client write a coordinator applies; null for a read
     * @param operation how a quorum failure names the request ({@code write}, {@code delete}, {@code read})
     * @throws QuorumNotReachedException too few replicas answered
     * @throws ReplicaRejectedException  the coordinator refused the write itself (a 4xx)
     */
    Record run(Coordination coordination, byte[] key, CoordinateRequest write, String operation) {
        Run run = new Run(coordination, key, write);
        run.handle(coordination::start);
        // Bounded: the machines decide every fan-out by its deadline, and a coordinator's answer, the one wait without
        // one, is failed here if it does not come within callBoundMillis (see abandonIfUnanswered).
        Outcome outcome = run.decided.join();
        return switch (outcome) {
            case Outcome.Done done -> done.record();
            case Outcome.NotReached notReached -> throw new QuorumNotReachedException(operation,
                    notReached.insufficient());
            case Outcome.Rejected rejected -> throw new ReplicaRejectedException(run.rejection(rejected));
        };
    }

    /** One request's machine and what the driver keeps for it; events are handled under its lock. */
    private final class Run {

        private final Coordination coordination;
        private final byte[] key;
        private final CoordinateRequest write;
        private final CompletableFuture<Outcome> decided = new CompletableFuture<>();
        /** The coordinate calls answered, or failed for want of an answer: each is fed to the machine once. */
        private final Set<Long> settledCoordinateCalls = new HashSet<>(2);
        /** The wake-ups asked for and not yet fired; cancelled together once the machine has finished. */
        private final List<CoordinationTimer.Wake> wakes = new ArrayList<>(2);
        /** The coordinator's refusal of the write, kept whole for the client's problem. */
        private ReplicaException rejection;
        private Record encodedRecord;
        private byte[] encoded;

        Run(Coordination coordination, byte[] key, CoordinateRequest write) {
            this.coordination = coordination;
            this.key = key;
            this.write = write;
        }

        /** Hands one event to the machine, then carries out the actions it answered. */
        void handle(LongFunction<List<Action>> event) {
            List<Action> actions;
            synchronized (this) {
                try {
                    actions = event.apply(timer.millis());
                } catch (RuntimeException e) {
                    log.error("a coordination failed on an event; its request fails", e);
                    decided.completeExceptionally(e);
                    return;
                }
                if (coordination.outcome() != null) {
                    decided.complete(coordination.outcome());
                }
                if (coordination.finished()) {
                    wakes.forEach(CoordinationTimer.Wake::cancel);
                    wakes.clear();
                }
            }
            for (Action action : actions) {
                carryOut(action);
            }
        }

        /** Schedules {@code task} at {@code atMillis}, to be cancelled if the machine finishes before. */
        private void wakeAt(long atMillis, Runnable task) {
            CoordinationTimer.Wake wake = timer.at(atMillis, task);
            synchronized (this) {
                if (coordination.finished()) {
                    wake.cancel();
                } else {
                    wakes.add(wake);
                }
            }
        }

        private void carryOut(Action action) {
            switch (action) {
                case Action.Call call -> call(call);
                case Action.WakeAt wake -> wakeAt(wake.atMillis(), () -> handle(coordination::tick));
                case Action.Replanned replanned -> Counter.builder("kv.membership.replans")
                        .description("requests planned again because a node held a newer topology")
                        .register(registry).increment();
            }
        }

        private void call(Action.Call call) {
            NodeAddress node = view.address(call.node());
            CompletableFuture<?> answer;
            if (node == null) {
                answer = CompletableFuture.failedFuture(new ReplicaException(call.node(), FailureKind.NOT_CALLED,
                        "no address known for it", null));
            } else {
                try {
                    answer = send(node, call);
                } catch (RuntimeException e) {
                    answer = CompletableFuture.failedFuture(e);
                }
            }
            if (call instanceof Action.Coordinate coordinate && !answer.isDone()) {
                wakeAt(timer.millis() + callBoundMillis, () -> abandonIfUnanswered(coordinate));
            }
            answer.whenComplete((result, failure) -> answered(call, result, unwrap(failure)));
        }

        private CompletableFuture<?> send(NodeAddress node, Action.Call call) {
            return switch (call) {
                case Action.Coordinate coordinate -> client.coordinate(node, key, write, coordinate.attempt(),
                        coordinate.topology());
                case Action.Store store -> client.merge(node, key, encoded(store.record()),
                        store.purpose() == Action.Purpose.COPY ? store.topology() : null);
                case Action.StoreHint hint -> client.hint(node, hint.target(), key, encoded(hint.record()));
                case Action.Read read -> client.read(node, key, read.topology());
            };
        }

        /** The record as the replicas take it, encoded once for all the calls that send it. */
        private synchronized byte[] encoded(Record record) {
            if (record != encodedRecord) {
                encoded = RecordCodec.encode(record);
                encodedRecord = record;
            }
            return encoded;
        }

        private void answered(Action.Call call, Object result, Throwable failure) {
            count(call, failure);
            handle(now -> {
                if (call instanceof Action.Coordinate && !settledCoordinateCalls.add(call.id())) {
                    return List.of(); // abandoned already
                }
                if (failure == null) {
                    return coordination.succeeded(call.id(), result instanceof Record record ? record : null, now);
                }
                ReplicaFailure replicaFailure = replicaFailure(failure);
                if (call instanceof Action.Coordinate) {
                    coordinatorFailed(failure, replicaFailure);
                }
                return coordination.failed(call.id(), replicaFailure, now);
            });
        }

        private void coordinatorFailed(Throwable failure, ReplicaFailure replicaFailure) {
            if (replicaFailure.kind().isClientError()) {
                rejection = failure instanceof ReplicaException refusal ? refusal : null;
                return;
            }
            Counter.builder("kv.write.coordinator.failovers")
                    .description("coordinator attempts that failed; unknown: the attempt may have been applied, so"
                            + " the next one waited for its deadline and took the write's alias dot")
                    .tag("outcome", replicaFailure.kind().mayHaveApplied() ? "unknown" : "not_applied")
                    .register(registry).increment();
        }

        /**
         * Fails a coordinate call still unanswered after {@code callBoundMillis} as timed out: its answer was lost (the
         * transport ends every call within the replica timeout), and the write must not wait for it forever.
         */
        private void abandonIfUnanswered(Action.Coordinate call) {
            handle(now -> {
                if (!settledCoordinateCalls.add(call.id())) {
                    return List.of();
                }
                log.warn("no answer from coordinator {} within {} ms: counted as timed out", call.node(),
                        callBoundMillis);
                ReplicaFailure lost = ReplicaFailure.of(FailureKind.TIMEOUT, "no answer within " + callBoundMillis
                        + " ms");
                coordinatorFailed(null, lost);
                return coordination.failed(call.id(), lost, now);
            });
        }

        private synchronized ReplicaException rejection(Outcome.Rejected rejected) {
            return rejection != null ? rejection : new ReplicaException(rejected.node(), 400,
                    rejected.failure().reason(), null);
        }

        /** Counts what the repair and hint metrics count: every such call's own outcome, however late. */
        private void count(Action.Call call, Throwable failure) {
            String outcome = failure == null ? "ok" : "failed";
            switch (call) {
                case Action.Store store when store.purpose() != Action.Purpose.COPY -> Counter
                        .builder("kv.read.repairs").description("records written back to stale replicas by reads")
                        .tag("mode", store.purpose() == Action.Purpose.REPAIR_BLOCKING ? "blocking" : "background")
                        .tag("outcome", outcome).register(registry).increment();
                case Action.StoreHint hint -> Counter.builder("kv.hints.sent")
                        .description("hints the gateway left for replicas that did not take their copy")
                        .tag("outcome", failure == null ? "stored" : "failed").register(registry).increment();
                default -> {
                }
            }
        }
    }

    /** A failed call as the machine sees it; a failure that is not a replica's own counts as of unknown cause. */
    private static ReplicaFailure replicaFailure(Throwable failure) {
        return failure instanceof ReplicaException replica
                ? new ReplicaFailure(replica.kind(), replica.getMessage(), replica.newerTopology())
                : ReplicaFailure.of(FailureKind.UNKNOWN, failure.toString());
    }

    private static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }
}
