package dev.kv.core.quorum;

import dev.kv.core.placement.Placement;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The joint rule of a write during a membership change: W of the current replicas and W of the target ones. */
class JointQuorumTrackerTest {

    /** n3 is being replaced by the joiner n4 for this key. */
    private final Placement moving = new Placement(List.of("n1", "n2", "n3"), List.of("n1", "n2", "n4"));

    @Test
    void twoCurrentReplicasAreNotEnoughWhenOnlyOneOfThemIsInTheTarget() {
        QuorumTracker tracker = QuorumTracker.joint(moving, 2);
        tracker.recordSuccess("n1");
        assertThat(tracker.recordSuccess("n3")).isEqualTo(QuorumTracker.State.PENDING);
        assertThat(tracker.recordSuccess("n4")).isEqualTo(QuorumTracker.State.REACHED);
    }

    @Test
    void aHintStandsInForItsReplicaOnTheCurrentSideOnly() {
        QuorumTracker tracker = QuorumTracker.joint(moving, 2);
        tracker.recordSuccess("n1");
        assertThat(tracker.recordHintedSuccess("n2")).as("current has n1 and n2's hint; target only n1's copy")
                .isEqualTo(QuorumTracker.State.PENDING);
        assertThat(tracker.recordHintedSuccess("n4")).as("n2 and n4 are hints: the target can no longer reach 2")
                .isEqualTo(QuorumTracker.State.FAILED);
        assertThat(tracker.outcome()).isInstanceOf(QuorumOutcome.Insufficient.class);
    }

    @Test
    void itFailsAsSoonAsOneSideCanNoLongerReachW() {
        QuorumTracker tracker = QuorumTracker.joint(moving, 2);
        tracker.recordSuccess("n3");
        assertThat(tracker.recordFailure("n1", "timeout")).isEqualTo(QuorumTracker.State.PENDING);
        assertThat(tracker.recordFailure("n4", "refused")).isEqualTo(QuorumTracker.State.FAILED);
    }

    @Test
    void outsideAChangeItIsPlainWWithSloppyHintsCounting() {
        Placement settled = new Placement(List.of("n1", "n2", "n3"), List.of("n1", "n2", "n3"));
        QuorumTracker tracker = QuorumTracker.joint(settled, 2);
        tracker.recordSuccess("n1");
        assertThat(tracker.recordHintedSuccess("n2")).isEqualTo(QuorumTracker.State.REACHED);
        assertThat(tracker.outcome()).isInstanceOf(QuorumOutcome.Reached.class);
    }
}
