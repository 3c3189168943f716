package dev.kv.core.quorum;

import java.util.ArrayList;
import java.util.List;

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

    public QuorumTracker(int needed, int contacted) {
        if (needed < 1) {
            throw new IllegalArgumentException("needed must be positive");
        }
        this.needed = needed;
        this.contacted = contacted;
    }

    public State recordSuccess() {
        successes++;
        return state();
    }

    public State recordFailure(String replica, String reason) {
        failures.add(replica + ": " + reason);
        return state();
    }

    public State state() {
        if (successes >= needed) {
            return State.REACHED;
        }
        int pending = contacted - successes - failures.size();
        return successes + pending < needed ? State.FAILED : State.PENDING;
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
        return successes >= needed
                ? new QuorumOutcome.Reached(successes, needed)
                : new QuorumOutcome.Insufficient(successes, needed, contacted, failures());
    }
}
