package dev.kv.core.placement;

/**
 * Where a member stands in the ring's life cycle (DESIGN §4, issue 12), carried by gossip beside its liveness.
 * Reads are served by the <em>current</em> placement (normal and leaving members); data is moving towards the
 * <em>target</em> placement (normal and joining members).
 */
public enum MemberState {
    /** Streaming the ranges it will own; written to, not read from. */
    JOINING,
    /** Owns its ranges. */
    NORMAL,
    /** Handing its ranges to their new owners (decommission, or removal of a dead node); still read from. */
    LEAVING,
    /** Left after a decommission; counts nowhere. */
    LEFT,
    /** Removed as dead by an operator; counts nowhere. */
    REMOVED;

    /** Whether the member replicates in the placement reads use. */
    public boolean inCurrent() {
        return this == NORMAL || this == LEAVING;
    }

    /** Whether the member replicates in the placement data is moving to. */
    public boolean inTarget() {
        return this == NORMAL || this == JOINING;
    }

    public boolean isGone() {
        return this == LEFT || this == REMOVED;
    }
}
