package dev.kv.core.quorum;

import dev.kv.core.placement.Placement;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Counts the answers of a fan-out to {@code contacted} replicas and decides as early as possible whether
 * {@code needed} successes were reached or can no longer be. A pure state machine; callers synchronise.
 */
public final class QuorumTracker {

    /** Where the fan-out stands. */
    public enum State { PENDING, REACHED, FAILED }

    private final int needed;
    private final int contacted;
    private int successes;
    private final List<String> failures = new ArrayList<>();
    /** Set for a write during a membership change: W must be reached on both sides ({@link Placement}). */
    private final Placement placement;
    private final Set<String> acknowledged = new HashSet<>();
    private final Set<String> hinted = new HashSet<>();
    private final Set<String> failed = new HashSet<>();

    public QuorumTracker(int needed, int contacted) {
        if (needed < 1) {
            throw new IllegalArgumentException("needed must be positive");
        }
        this.needed = needed;
        this.contacted = contacted;
        this.placement = null;
    }

    private QuorumTracker(Placement placement, int needed) {
        if (needed < 1) {
            throw new IllegalArgumentException("needed must be positive");
        }
        this.needed = needed;
        this.contacted = placement.writeReplicas().size();
        this.placement = placement;
    }

    /**
     * A write to the replicas of {@code placement}, acknowledged under the joint rule: {@code w} replicas of the
     * current placement and {@code w} of the target placement. A hint stands in for its replica on the current side
     * only (a hint is not data the new owner holds), and only when the request is sloppy.
     */
    public static QuorumTracker joint(Placement placement, int w) {
        return new QuorumTracker(placement, w);
    }

    /** A replica stored the write. */
    public State recordSuccess(String replica) {
        successes++;
        acknowledged.add(replica);
        return state();
    }

    /** A stand-in holds a hint for {@code replica}, counted toward W (sloppy quorum). */
    public State recordHintedSuccess(String replica) {
        successes++;
        hinted.add(replica);
        return state();
    }

    public State recordSuccess() {
        successes++;
        return state();
    }

    public State recordFailure(String replica, String reason) {
        failures.add(replica + ": " + reason);
        failed.add(replica);
        return state();
    }

    public State state() {
        if (placement != null) {
            return jointState();
        }
        if (successes >= needed) {
            return State.REACHED;
        }
        int pending = contacted - successes - failures.size();
        return successes + pending < needed ? State.FAILED : State.PENDING;
    }

    private State jointState() {
        Set<String> currentSide = new HashSet<>(acknowledged);
        currentSide.addAll(hinted);
        boolean currentReached = count(placement.current(), currentSide) >= needed;
        boolean targetReached = count(placement.target(), placement.moving() ? acknowledged : currentSide) >= needed;
        if (currentReached && targetReached) {
            return State.REACHED;
        }
        Set<String> lostForTarget = new HashSet<>(failed);
        if (placement.moving()) {
            lostForTarget.addAll(hinted);
        }
        if (placement.current().size() - count(placement.current(), failed) < needed
                || placement.target().size() - count(placement.target(), lostForTarget) < needed) {
            return State.FAILED;
        }
        return State.PENDING;
    }

    private static int count(List<String> side, Set<String> replicas) {
        int count = 0;
        for (String replica : side) {
            if (replicas.contains(replica)) {
                count++;
            }
        }
        return count;
    }

    public int successes() {
        return successes;
    }

    public int needed() {
        return needed;
    }

    public int contacted() {
        return contacted;
    }

    public List<String> failures() {
        return List.copyOf(failures);
    }

    /** The outcome as it stands; a timeout turns a pending fan-out into an insufficient one. */
    public QuorumOutcome outcome() {
        return state() == State.REACHED
                ? new QuorumOutcome.Reached(successes, needed)
                : new QuorumOutcome.Insufficient(successes, needed, contacted, failures());
    }
}
