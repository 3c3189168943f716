package dev.kv.core.quorum;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class QuorumTrackerTest {

    @Test
    void theQuorumIsReachedAsSoonAsEnoughReplicasAnswerWithoutWaitingForTheRest() {
        QuorumTracker tracker = new QuorumTracker(2, 3);
        assertThat(tracker.state()).isEqualTo(QuorumTracker.State.PENDING);
        assertThat(tracker.recordSuccess()).isEqualTo(QuorumTracker.State.PENDING);
        assertThat(tracker.recordSuccess()).isEqualTo(QuorumTracker.State.REACHED);
        assertThat(tracker.outcome()).isEqualTo(new QuorumOutcome.Reached(2, 2));
    }

    @Test
    void theQuorumFailsAsSoonAsTooFewReplicasAreLeftToReachIt() {
        QuorumTracker tracker = new QuorumTracker(2, 3);
        assertThat(tracker.recordFailure("n1", "connection refused")).isEqualTo(QuorumTracker.State.PENDING);
        assertThat(tracker.recordFailure("n2", "timeout")).isEqualTo(QuorumTracker.State.FAILED);
        assertThat(tracker.outcome()).isEqualTo(new QuorumOutcome.Insufficient(0, 2, 3,
                List.of("n1: connection refused", "n2: timeout")));
    }

    @Test
    void aFailureAfterASuccessStillLeavesRoomUntilTheLastReplica() {
        QuorumTracker tracker = new QuorumTracker(3, 4);
        tracker.recordSuccess();
        assertThat(tracker.recordFailure("n2", "503")).isEqualTo(QuorumTracker.State.PENDING);
        assertThat(tracker.recordSuccess()).isEqualTo(QuorumTracker.State.PENDING);
        assertThat(tracker.recordFailure("n4", "reset")).isEqualTo(QuorumTracker.State.FAILED);
    }

    @Test
    void needingMoreReplicasThanWereContactedFailsAtOnce() {
        QuorumTracker tracker = new QuorumTracker(3, 2);
        assertThat(tracker.state()).isEqualTo(QuorumTracker.State.FAILED);
        assertThat(tracker.outcome()).isInstanceOf(QuorumOutcome.Insufficient.class);
    }

    @Test
    void aTimedOutFanOutReportsTheNumbersAnOperatorNeeds() {
        QuorumTracker tracker = new QuorumTracker(2, 3);
        tracker.recordSuccess();
        tracker.recordFailure("n3", "circuit open");
        assertThat(tracker.state()).isEqualTo(QuorumTracker.State.PENDING);
        QuorumOutcome.Insufficient outcome = (QuorumOutcome.Insufficient) tracker.outcome();
        assertThat(outcome.describe("write")).isEqualTo(
                "write quorum not reached: 1 of 2 required replicas answered (3 contacted); n3: circuit open");
        assertThat(new QuorumOutcome.Insufficient(0, 1, 1, List.of()).describe("read"))
                .isEqualTo("read quorum not reached: 0 of 1 required replicas answered (1 contacted)");
    }

    @Test
    void aQuorumOfZeroIsRefused() {
        assertThatIllegalArgumentException().isThrownBy(() -> new QuorumTracker(0, 3));
    }
}
