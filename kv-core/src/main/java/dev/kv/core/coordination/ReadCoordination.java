package dev.kv.core.coordination;

import dev.kv.core.contract.ReplicaFailure;
import dev.kv.core.placement.TopologyMessage;
import dev.kv.core.quorum.QuorumOutcome;
import dev.kv.core.quorum.QuorumSpec;
import dev.kv.core.quorum.QuorumTracker;
import dev.kv.core.quorum.ReadResolution;
import dev.kv.core.record.Record;
import dev.kv.core.record.Versioning;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The read path of one client read (DESIGN §4) as a state machine fed with replica answers and time.
 *
 * <pre>
 * ──Read──▶ R replicas of the current placement, usable ones first; one more for each that fails, and one more
 *           after each speculative delay while R have not answered (or all N at once with askAll)
 * after R answers: merge them; send the merge to those of the R that differ and answer once they took it or the
 * repair timed out (so a later quorum read cannot see an older value); answers that come later are merged with the
 * result and whoever lacks part of that is sent it in the background
 * </pre>
 *
 * Not thread-safe: its driver serialises the events.
 */
public final class ReadCoordination implements Coordination {

    /** What a read coordination needs to know besides the request. */
    public record Settings(Versioning versioning, long decisionTimeoutMillis, long repairTimeoutMillis,
                           boolean askAll, long speculateAfterMillis) {
    }

    private enum Kind { READ, REPAIR }

    private record Call(Kind kind, Round round, String node) {
    }

    /** The reads of one routing. */
    private static final class Round {
        final QuorumTracker tracker;
        final long deadline;
        final List<String> replicas;
        final Deque<String> spares;
        final String topology;
        final Map<String, Record> answers = new LinkedHashMap<>();
        final FencedAnswers fenced = new FencedAnswers();
        int outstanding;
        ReadResolution resolution;
        Set<String> answeredAtDecision;

        Round(QuorumTracker tracker, List<String> replicas, Deque<String> spares, String topology, long deadline) {
            this.tracker = tracker;
            this.replicas = replicas;
            this.spares = spares;
            this.topology = topology;
            this.outstanding = tracker.contacted();
            this.deadline = deadline;
        }
    }

    private final byte[] key;
    private final QuorumSpec spec;
    private final ClusterRouting view;
    private final Settings settings;
    private final CallLog<Call> calls = new CallLog<>();
    private int replans;
    private Round round;
    private boolean paused;
    private long pausedUntil;
    private long speculateAt = Long.MAX_VALUE;
    private int blockingRepairs;
    private long repairDeadline = Long.MAX_VALUE;
    private Outcome outcome;

    public ReadCoordination(byte[] key, QuorumSpec spec, ClusterRouting view, Settings settings) {
        this.key = key;
        this.spec = spec;
        this.view = view;
        this.settings = settings;
    }

    @Override
    public List<Action> start(long now) {
        startRound(now);
        return calls.drain();
    }

    /** A call answered: a read with the replica's record ({@link Record#EMPTY} if it has none), a repair with null. */
    @Override
    public List<Action> succeeded(long id, Record answer, long now) {
        Call call = calls.close(id);
        if (call == null) {
            return calls.drain();
        }
        if (call.kind() == Kind.REPAIR) {
            repairAnswered(call);
        } else if (call.round().resolution != null) {
            repairLate(call.round(), call.node(), answer);
        } else {
            call.round().answers.put(call.node(), answer);
            call.round().tracker.recordSuccess(call.node());
            call.round().outstanding--;
            decide(call.round(), now);
        }
        return calls.drain();
    }

    @Override
    public List<Action> failed(long id, ReplicaFailure failure, long now) {
        Call call = calls.close(id);
        if (call == null) {
            return calls.drain();
        }
        if (call.kind() == Kind.REPAIR) {
            repairAnswered(call);
            return calls.drain();
        }
        Round in = call.round();
        if (failure.isFenced()) {
            in.fenced.add(failure);
        }
        if (in.resolution == null) {
            in.tracker.recordFailure(call.node(), failure.reason());
            in.outstanding--;
        }
        String spare = in.spares.poll();
        if (spare != null) {
            ask(in, spare);
        }
        decide(in, now);
        return calls.drain();
    }

    /** Time passed: called at or after each {@link Action.WakeAt}. */
    @Override
    public List<Action> tick(long now) {
        if (paused && now >= pausedUntil) {
            paused = false;
            startRound(now);
        } else if (round != null && round.resolution == null && now >= speculateAt) {
            // Speculative retry (as Cassandra's): a replica that is slow but not failed yet should cost this much,
            // not the replica timeout.
            // Each further delay asks one more, so replicas that stopped all at once (a paused host, a partition the
            // view has not noticed yet) cost a delay each, not a timeout, while one replica still answers.
            speculateAt = Long.MAX_VALUE;
            String spare = round.spares.poll();
            if (spare != null) {
                ask(round, spare);
                speculateAfterDelay(now);
            }
        }
        if (round != null) {
            decide(round, now);
        }
        if (blockingRepairs > 0 && now >= repairDeadline) {
            blockingRepairs = 0;
            answer();
        }
        return calls.drain();
    }

    @Override
    public Outcome outcome() {
        return outcome;
    }

    /** Whether nothing is left to do: the outcome is known and no call (late read, repair) is out. */
    @Override
    public boolean finished() {
        return outcome != null && calls.idle();
    }

    private void startRound(long now) {
        ClusterRouting.Route route = view.route(key);
        List<String> replicas = view.addressable(route.placement().current());
        List<String> ordered = settings.askAll() ? replicas : view.usableFirst(replicas);
        int first = settings.askAll() ? ordered.size() : Math.min(spec.r(), ordered.size());
        Round started = new Round(new QuorumTracker(spec.r(), ordered.size()), replicas,
                new ArrayDeque<>(ordered.subList(first, ordered.size())), route.topology(),
                now + settings.decisionTimeoutMillis());
        round = started;
        calls.add(new Action.WakeAt(started.deadline));
        for (String replica : ordered.subList(0, first)) {
            ask(started, replica);
        }
        speculateAfterDelay(now);
        decide(started, now);
    }

    private void speculateAfterDelay(long now) {
        if (!round.spares.isEmpty() && settings.speculateAfterMillis() > 0) {
            speculateAt = now + settings.speculateAfterMillis();
            calls.add(new Action.WakeAt(speculateAt));
        }
    }

    private void ask(Round in, String replica) {
        calls.add(new Action.Read(calls.open(new Call(Kind.READ, in, replica)), replica, in.topology));
    }

    private void decide(Round in, long now) {
        if (in != round || in.resolution != null) {
            return;
        }
        QuorumTracker.State state = in.tracker.state();
        if (state == QuorumTracker.State.REACHED) {
            resolve(in, now);
        } else if ((state == QuorumTracker.State.FAILED && in.outstanding <= 0) || now >= in.deadline) {
            insufficient(in, now);
        }
    }

    /**
     * R replicas answered with this routing's topology, so none of them has seen a write acknowledged by a newer one;
     * a refusal from another replica only updates the view for the next request.
     */
    private void resolve(Round in, long now) {
        in.fenced.newer().ifPresent(newer -> view.adopt(newer, in.topology));
        in.resolution = ReadResolution.resolve(settings.versioning(), in.answers);
        in.answeredAtDecision = Set.copyOf(in.answers.keySet());
        speculateAt = Long.MAX_VALUE;
        ReadResolution resolution = in.resolution;
        if (resolution.staleReplicas().isEmpty() || resolution.resolved().isEmpty()) {
            answer();
            return;
        }
        for (String replica : in.replicas) {
            if (resolution.staleReplicas().contains(replica)) {
                repair(replica, resolution.resolved(), Action.Purpose.REPAIR_BLOCKING);
                blockingRepairs++;
            }
        }
        repairDeadline = now + settings.repairTimeoutMillis();
        calls.add(new Action.WakeAt(repairDeadline));
    }

    private void insufficient(Round in, long now) {
        round = null;
        Optional<TopologyMessage> newer = in.fenced.newer();
        if (replans < WriteCoordination.MAX_REPLANS && newer.isPresent() && view.adopt(newer.get(), in.topology)) {
            replans++;
            calls.add(new Action.Replanned());
            startRound(now);
        } else if (replans < WriteCoordination.MAX_REPLANS && in.fenced.anyBehind()) {
            replans++;
            paused = true;
            pausedUntil = now + WriteCoordination.BEHIND_PAUSE_MILLIS;
            calls.add(new Action.WakeAt(pausedUntil));
        } else {
            outcome = new Outcome.NotReached((QuorumOutcome.Insufficient) in.tracker.outcome());
        }
    }

    /** A late answer that knows more than the merge is merged in and the result sent to whoever lacks it. */
    private void repairLate(Round in, String lateNode, Record late) {
        Record resolved = in.resolution.resolved();
        Record merged = settings.versioning().merge(resolved, late);
        if (merged.isEmpty()) {
            return;
        }
        if (!late.sameVersionAs(merged)) {
            repair(lateNode, merged, Action.Purpose.REPAIR_BACKGROUND);
        }
        if (!resolved.sameVersionAs(merged)) {
            for (String replica : in.replicas) {
                if (in.answeredAtDecision.contains(replica)) {
                    repair(replica, merged, Action.Purpose.REPAIR_BACKGROUND);
                }
            }
        }
    }

    private void repair(String replica, Record record, Action.Purpose purpose) {
        long id = calls.open(new Call(Kind.REPAIR, null, purpose == Action.Purpose.REPAIR_BLOCKING ? replica : null));
        calls.add(new Action.Store(id, replica, record, null, purpose));
    }

    private void repairAnswered(Call call) {
        if (call.node() != null && blockingRepairs > 0 && --blockingRepairs == 0) {
            answer();
        }
    }

    private void answer() {
        if (outcome == null) {
            outcome = new Outcome.Done(round.resolution.resolved());
        }
    }

}
