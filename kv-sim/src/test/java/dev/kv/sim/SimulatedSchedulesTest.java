package dev.kv.sim;

import dev.kv.core.record.ConflictMode;
import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The simulator's verdict on the protocols as they are: {@code sim.seeds} seeded schedules (10,000 by default, set by
 * kv-sim's pom or {@code -Dsim.seeds=N -Dsim.firstSeed=S}), every checker at zero violations. A failure prints each
 * failed seed with the one-line command that replays it and the trace of the messages that led there.
 */
class SimulatedSchedulesTest {

    private static final long SEEDS = Long.getLong("sim.seeds", 10_000);
    private static final long FIRST_SEED = Long.getLong("sim.firstSeed", 1);

    @Test
    void everyScheduleEndsWithNoLostWriteNoStaleStrictReadNoResurrectionAndConvergedReplicas() throws Exception {
        Simulator.Report report = Simulator.run(FIRST_SEED, SEEDS, ConflictMode.VECTOR_CLOCK, Set.of(), threads(),
                10, System.out::println);
        System.out.println("vector-clock: " + report.summary());
        assertThat(report.failures()).as(() -> report.failures().stream()
                .map(failure -> Reports.describe(failure, false)).collect(Collectors.joining("\n"))).isEmpty();
        assertThat(report.schedules()).isEqualTo(SEEDS);
        // Each passed schedule with a change saw it complete (the convergence checker demands it).
        if (SEEDS >= 100) {
            assertThat(report.changes().get(SimConfig.Change.JOIN)).as("schedules with a join").isPositive();
            assertThat(report.changes().get(SimConfig.Change.DECOMMISSION)).as("schedules with a decommission")
                    .isPositive();
            assertThat(report.changes().get(SimConfig.Change.REMOVE)).as("schedules with a removal").isPositive();
        }
    }

    @Test
    void lastWriteWinsRunsTheSameSchedulesAndReportsItsDocumentedLosses() throws Exception {
        long seeds = Math.max(1, SEEDS / 10);
        Simulator.Report report = Simulator.run(FIRST_SEED, seeds, ConflictMode.LWW, Set.of(), threads(), 10,
                System.out::println);
        System.out.println("lww: " + report.summary());
        // Convergence, dots and bounds hold in LWW too; its lost and stale writes are counted, not failed.
        assertThat(report.failures()).as(() -> report.failures().stream()
                .map(failure -> Reports.describe(failure, false)).collect(Collectors.joining("\n"))).isEmpty();
        assertThat(report.lwwLostElements()).as("concurrent appends under LWW lose elements").isPositive();
    }

    @Test
    void aSeedReplaysExactly() {
        RunResult first = Simulator.runOne(FIRST_SEED + 7, ConflictMode.VECTOR_CLOCK, Set.of());
        RunResult again = Simulator.runOne(FIRST_SEED + 7, ConflictMode.VECTOR_CLOCK, Set.of());
        assertThat(again.events()).isEqualTo(first.events());
        assertThat(again.messages()).isEqualTo(first.messages());
        assertThat(again.simulatedMillis()).isEqualTo(first.simulatedMillis());
        assertThat(again.ok()).isEqualTo(first.ok());
        assertThat(again.faults()).isEqualTo(first.faults());
    }

    static int threads() {
        return Math.max(1, Runtime.getRuntime().availableProcessors());
    }
}
