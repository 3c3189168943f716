package dev.kv.core.coordination;

import dev.kv.core.contract.FailureKind;
import dev.kv.core.contract.ReplicaFailure;
import dev.kv.core.hints.SloppyPlacement;
import dev.kv.core.quorum.QuorumOutcome;
import dev.kv.core.quorum.QuorumSpec;
import dev.kv.core.quorum.QuorumTracker;
import dev.kv.core.record.Record;
import dev.kv.core.write.WriteAttempts;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The write path of one client write (DESIGN §3, §4) as a state machine fed with replica answers and time.
 *
 * <pre>
 * ──Coordinate──▶ first usable replica of the preference list (the next one if it fails); every attempt carries the
 *                 write's id and a deadline; after an attempt that may have been applied the next waits until the
 *                 first can no longer apply and takes the write's alias dot ({@link WriteAttempts})
 * ◀── record ───┘ the coordinator merged the client's context, took a fresh dot, stored
 * ──Store──▶      every other replica of the placement (during a membership change: of the current and the target
 *                 placement; W of each, hints counting on the current side only)
 *                 a replica that fails gets a hint instead ({@link SloppyPlacement}); a holder that fails is replaced
 *                 once; the hint counts toward W only for a sloppy request and a distinct stand-in; a replica judged
 *                 down gets the hint at once only when it counts, and is tried first otherwise
 * Done after W acknowledgements; the remaining calls finish in the background (keep feeding until finished())
 * a node holding a newer topology refuses (fenced) and sends it: the request is planned again by it, at most
 * {@value #MAX_REPLANS} times; a node behind the routing's topology gets {@value #BEHIND_PAUSE_MILLIS} ms to catch up
 * </pre>
 *
 * Not thread-safe: its driver serialises the events.
 */
public final class WriteCoordination implements Coordination {

    static final int MAX_REPLANS = 3;
    public static final long BEHIND_PAUSE_MILLIS = 100;
    private static final int HINT_HOLDER_ATTEMPTS = 2;
    /** The context of the coordinator call. */
    private static final Call COORDINATING = new Call(null, null, false, null, null, Set.of(), 0, false);

    private enum Waiting { NONE, NEXT_ATTEMPT, BEHIND_BEFORE_COORDINATING, BEHIND_BEFORE_COPYING }

    /** What a call was for. */
    private record Call(Round round, String replica, boolean hint, String holder, ReplicaFailure original,
                        Set<String> excluded, int attemptsLeft, boolean countsTowardQuorum) {
    }

    /** One fan-out of the coordinator's record by one routing. */
    private static final class Round {
        final QuorumTracker tracker;
        final long deadline;
        final FencedAnswers fenced = new FencedAnswers();
        int outstanding;

        Round(QuorumTracker tracker, int contacted, long deadline) {
            this.tracker = tracker;
            this.outstanding = contacted;
            this.deadline = deadline;
        }
    }

    private final byte[] key;
    private final QuorumSpec spec;
    private final ClusterRouting view;
    private final WriteAttempts attempts;
    private final long decisionTimeoutMillis;
    private final CallLog<Call> calls = new CallLog<>();
    private final List<String> coordinatorFailures = new ArrayList<>();
    private final Set<String> stored = new HashSet<>();
    private ClusterRouting.Route route;
    private int replans;
    private List<String> candidates;
    private int nextCandidate;
    private boolean behind;
    private String candidate;
    private boolean planning;
    private WriteAttempts.Attempt attempt;
    private Waiting waiting = Waiting.NONE;
    private long wakeAt;
    private Record written;
    private Round round;
    private Outcome outcome;

    /**
     * @param decisionTimeoutMillis how long a fan-out waits for W before it decides with what arrived (a bound on
     *                              lost answers; the calls' own timeouts normally decide first)
     */
    public WriteCoordination(byte[] key, QuorumSpec spec, ClusterRouting view, WriteAttempts attempts,
                             long decisionTimeoutMillis) {
        this.key = key;
        this.spec = spec;
        this.view = view;
        this.attempts = attempts;
        this.decisionTimeoutMillis = decisionTimeoutMillis;
    }

    @Override
    public List<Action> start(long now) {
        route = view.route(key);
        startCoordinating(now);
        return calls.drain();
    }

    /** A call answered: the coordinator with its record, any other call with {@code null}. */
    @Override
    public List<Action> succeeded(long id, Record answer, long now) {
        Call call = calls.close(id);
        if (call == COORDINATING) {
            coordinated(answer, now);
        } else if (call != null) {
            if (call.hint()) {
                boolean counts = spec.sloppy() && call.countsTowardQuorum();
                answered(call.round(), call.replica(), counts ? Delivery.HINTED : null, call.original(), now);
            } else {
                stored.add(call.replica());
                answered(call.round(), call.replica(), Delivery.STORED, null, now);
            }
        }
        return calls.drain();
    }

    @Override
    public List<Action> failed(long id, ReplicaFailure failure, long now) {
        Call call = calls.close(id);
        if (call == COORDINATING) {
            coordinatorFailed(failure, now);
        } else if (call == null) {
            return calls.drain();
        } else if (!call.hint()) {
            if (failure.isFenced()) {
                call.round().fenced.add(failure);
                answered(call.round(), call.replica(), null, failure, now);
            } else {
                leaveHint(call.round(), call.replica(), failure, Set.of(), HINT_HOLDER_ATTEMPTS, now);
            }
        } else if (call.attemptsLeft() > 1) {
            Set<String> tried = new HashSet<>(call.excluded());
            tried.add(call.holder());
            leaveHint(call.round(), call.replica(), call.original(), tried, call.attemptsLeft() - 1, now);
        } else {
            answered(call.round(), call.replica(), null, call.original(), now);
        }
        return calls.drain();
    }

    /** Time passed: called at or after each {@link Action.WakeAt}. */
    @Override
    public List<Action> tick(long now) {
        if (waiting != Waiting.NONE && now >= wakeAt) {
            Waiting was = waiting;
            waiting = Waiting.NONE;
            switch (was) {
                case NEXT_ATTEMPT -> tryNextCandidate(now);
                case BEHIND_BEFORE_COORDINATING -> {
                    replan();
                    startCoordinating(now);
                }
                case BEHIND_BEFORE_COPYING -> {
                    replan();
                    startRound(now);
                }
                case NONE -> { }
            }
        }
        decide(now);
        return calls.drain();
    }

    /** How the write ends for the client, once known. */
    @Override
    public Outcome outcome() {
        return outcome;
    }

    /** Whether nothing is left to do: the outcome is known and no call is out. */
    @Override
    public boolean finished() {
        return outcome != null && calls.idle();
    }

    public long writeId() {
        return attempts.writeId();
    }

    private void startCoordinating(long now) {
        candidates = view.usableFirst(view.addressable(route.placement().writeReplicas()));
        nextCandidate = 0;
        tryNextCandidate(now);
    }

    private void tryNextCandidate(long now) {
        if (nextCandidate < candidates.size()) {
            long notBefore = attempts.nextAttemptNotBefore();
            if (notBefore > now) {
                waitUntil(Waiting.NEXT_ATTEMPT, notBefore);
                return;
            }
            candidate = candidates.get(nextCandidate++);
            attempt = attempts.start(now);
            calls.add(new Action.Coordinate(calls.open(COORDINATING), candidate, attempt, route.topology()));
        } else if (behind && replans < MAX_REPLANS) {
            // Replicas that have not yet adopted the routing's topology catch up within a round trip of the change's
            // push, or a gossip round: try again once they had a moment.
            replans++;
            behind = false;
            waitUntil(Waiting.BEHIND_BEFORE_COORDINATING, now + BEHIND_PAUSE_MILLIS);
        } else {
            outcome = new Outcome.NotReached(new QuorumOutcome.Insufficient(0, spec.w(),
                    view.addressable(route.placement().writeReplicas()).size(), List.copyOf(coordinatorFailures)));
        }
    }

    private void coordinatorFailed(ReplicaFailure failure, long now) {
        String failedCandidate = candidate;
        candidate = null;
        if (failure.kind().isClientError()) {
            outcome = new Outcome.Rejected(failedCandidate, failure);
            return;
        }
        attempts.ended(attempt, failure.kind().mayHaveApplied() ? WriteAttempts.Outcome.UNKNOWN
                : WriteAttempts.Outcome.NOT_APPLIED, now);
        coordinatorFailures.add(failedCandidate + ": " + failure.reason());
        if (replans < MAX_REPLANS && failure.newerTopology() != null
                && view.adopt(failure.newerTopology(), route.topology())) {
            replans++;
            replan();
            startCoordinating(now);
            return;
        }
        if (failure.isFenced()) {
            behind = true;
        }
        tryNextCandidate(now);
    }

    private void coordinated(Record record, long now) {
        written = Objects.requireNonNull(record, "the coordinator answers its record");
        stored.add(candidate);
        candidate = null;
        startRound(now);
    }

    /** How a replica's copy counts. */
    private enum Delivery { STORED, HINTED }

    private void startRound(long now) {
        List<String> replicas = route.placement().writeReplicas();
        Round started = new Round(QuorumTracker.joint(route.placement(), spec.w()), replicas.size(),
                now + decisionTimeoutMillis);
        round = started;
        calls.add(new Action.WakeAt(started.deadline));
        planning = true; // decided once every replica has its call: a decision mid-loop would start a new round
        for (String replica : replicas) {
            if (stored.contains(replica)) {
                answered(started, replica, Delivery.STORED, null, now);
            } else if (!view.isAddressable(replica)) {
                answered(started, replica, null, ReplicaFailure.of(FailureKind.NOT_CALLED, "no address known for it"),
                        now);
            } else if (view.isUsable(replica) || !spec.sloppy() || view.hintHolder(key, replica, Set.of()) == null) {
                // A replica judged down is still tried (a probe the replica timeout bounds) unless a hint can count
                // in its place: a strict write gains nothing from a hint, and the judgement may be seconds old.
                // It gets the hint if the copy fails.
                long id = calls.open(new Call(started, replica, false, null, null, Set.of(), 0, false));
                calls.add(new Action.Store(id, replica, written, route.topology(), Action.Purpose.COPY));
            } else {
                leaveHint(started, replica, ReplicaFailure.of(FailureKind.NOT_CALLED,
                        "down (gossip or circuit breaker)"), Set.of(), HINT_HOLDER_ATTEMPTS, now);
            }
        }
        planning = false;
        decide(now);
    }

    /** Leaves a hint for a replica that did not take its copy; the replica counts as failed if no holder takes it. */
    private void leaveHint(Round in, String replica, ReplicaFailure original, Set<String> excluded, int attemptsLeft,
                           long now) {
        SloppyPlacement.Placement placement = view.hintHolder(key, replica, excluded);
        if (placement == null || !view.isAddressable(placement.holder())) {
            answered(in, replica, null, original, now);
            return;
        }
        long id = calls.open(new Call(in, replica, true, placement.holder(), original, excluded, attemptsLeft,
                placement.countsTowardQuorum()));
        calls.add(new Action.StoreHint(id, placement.holder(), replica, written));
    }

    /** Counts a replica's final answer in its round: a delivery, or null and the failure that counts. */
    private void answered(Round in, String replica, Delivery delivery, ReplicaFailure failure, long now) {
        if (delivery == Delivery.STORED) {
            in.tracker.recordSuccess(replica);
        } else if (delivery == Delivery.HINTED) {
            in.tracker.recordHintedSuccess(replica);
        } else {
            in.tracker.recordFailure(replica, failure.reason());
        }
        in.outstanding--;
        decide(now);
    }

    private void decide(long now) {
        if (outcome != null || round == null || planning) {
            return;
        }
        QuorumTracker.State state = round.tracker.state();
        if (state == QuorumTracker.State.REACHED) {
            String routedWith = route.topology();
            round.fenced.newer().ifPresent(newer -> view.adopt(newer, routedWith));
            outcome = new Outcome.Done(written);
            round = null;
        } else if ((state == QuorumTracker.State.FAILED && round.outstanding <= 0) || now >= round.deadline) {
            insufficient(now);
        }
    }

    /** The round cannot reach W: plan the copies again by a newer topology, or give up. */
    private void insufficient(long now) {
        Round failedRound = round;
        round = null;
        var newer = failedRound.fenced.newer();
        if (replans < MAX_REPLANS && newer.isPresent() && view.adopt(newer.get(), route.topology())) {
            replans++;
            replan();
            startRound(now);
        } else if (replans < MAX_REPLANS && failedRound.fenced.anyBehind()) {
            replans++;
            waitUntil(Waiting.BEHIND_BEFORE_COPYING, now + BEHIND_PAUSE_MILLIS);
        } else {
            outcome = new Outcome.NotReached((QuorumOutcome.Insufficient) failedRound.tracker.outcome());
        }
    }


    private void replan() {
        route = view.route(key);
        calls.add(new Action.Replanned());
    }

    private void waitUntil(Waiting reason, long at) {
        waiting = reason;
        wakeAt = at;
        calls.add(new Action.WakeAt(at));
    }
}
