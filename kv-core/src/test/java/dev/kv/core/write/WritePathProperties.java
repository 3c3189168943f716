package dev.kv.core.write;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 11's property over random interleavings of coordinate attempts, failovers, replication and merges
 * ({@link WritePathSimulation}): a client write is applied under at most one visible version, and a version that a
 * later acknowledged write or delete superseded never becomes visible again, to a strict read or after convergence.
 * Also, no attempt takes effect after the client has its answer. The negative tests show that each half of the
 * mechanism is needed: without either (the store before issue 11) deleted data comes back; without the deadline a
 * paused coordinator applies an abandoned attempt after the client was answered; without write ids a lost answer
 * leaves a twin version that a later delete does not cover.
 */
class WritePathProperties {

    @Property(tries = 2000)
    void noWriteComesBackAndNoneIsVisibleTwice(@ForAll long seed, @ForAll @IntRange(min = 1, max = 12) int operations) {
        WritePathSimulation simulation = new WritePathSimulation(seed, WritePathSimulation.Mechanisms.ALL);
        List<String> violations = simulation.run(operations);
        Statistics.label("re-attempts").collect(simulation.reattempts() > 0);
        assertThat(violations).as("seed %d, history:%n%s", seed, String.join("\n", simulation.trace())).isEmpty();
    }

    @Test
    void withoutDeadlineAndWriteIdsDeletedDataComesBack() {
        assertThat(seedsWithViolations(WritePathSimulation.Mechanisms.NONE, "came back")).isPositive();
    }

    @Test
    void withoutTheDeadlineAPausedCoordinatorAppliesAWriteAfterItsClientWasAnswered() {
        assertThat(seedsWithViolations(WritePathSimulation.Mechanisms.NO_DEADLINE, "after the client had"))
                .isPositive();
    }

    @Test
    void withoutWriteIdsALostAnswerLeavesATwin() {
        assertThat(seedsWithViolations(WritePathSimulation.Mechanisms.NO_WRITE_IDS, "came back")).isPositive();
    }

    @Test
    void theSimulationExercisesReattemptsAndLateDeliveries() {
        long withReattempts = LongStream.range(0, 500).filter(seed -> {
            WritePathSimulation simulation = new WritePathSimulation(seed, WritePathSimulation.Mechanisms.ALL);
            simulation.run(12);
            return simulation.reattempts() > 0;
        }).count();
        assertThat(withReattempts).isGreaterThan(50);
    }

    private static long seedsWithViolations(WritePathSimulation.Mechanisms mechanisms, String kind) {
        return LongStream.range(0, 2000)
                .filter(seed -> new WritePathSimulation(seed, mechanisms).run(12).stream()
                        .anyMatch(violation -> violation.contains(kind)))
                .count();
    }
}
