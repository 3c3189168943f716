package dev.kv.core.quorum;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class QuorumTrackerProperties {

    /**
     * Fed any order of answers, the tracker decides at the earliest possible moment: reached at the needed-th
     * success, failed at the first failure that leaves too few replicas, pending exactly while both are open.
     */
    @Property
    void theTrackerDecidesExactlyWhenTheOutcomeIsDetermined(@ForAll @IntRange(min = 1, max = 7) int needed,
                                                             @ForAll @Size(max = 7) List<Boolean> answers) {
        int contacted = answers.size();
        QuorumTracker tracker = new QuorumTracker(needed, contacted);
        int successes = 0;
        int failures = 0;
        for (boolean success : answers) {
            QuorumTracker.State before = tracker.state();
            QuorumTracker.State after = success ? tracker.recordSuccess() : tracker.recordFailure("r", "x");
            successes += success ? 1 : 0;
            failures += success ? 0 : 1;
            QuorumTracker.State expected = successes >= needed ? QuorumTracker.State.REACHED
                    : contacted - failures < needed ? QuorumTracker.State.FAILED : QuorumTracker.State.PENDING;
            assertThat(after).isEqualTo(expected);
            if (before != QuorumTracker.State.PENDING) {
                assertThat(after).as("a decision is final").isEqualTo(before);
            }
        }
        assertThat(tracker.state()).isNotEqualTo(QuorumTracker.State.PENDING);
        assertThat(tracker.outcome() instanceof QuorumOutcome.Reached).isEqualTo(successes >= needed);
        assertThat(tracker.successes()).isEqualTo(successes);
        assertThat(tracker.failures()).hasSize(failures);
    }
}
