package dev.kv.sim;

import dev.kv.core.record.ConflictMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Proof that the simulator bites: each known bug class, switched back on, is caught by a checker within a few hundred
 * schedules (the CI budget runs 10,000). The first failing seed is printed with its replay command. A tombstone purged
 * at once shows either way: a deleted value comes back, or the coordinator, its record gone, gives the next write on
 * the key a dot it already gave the deleted one. A repair that writes the value as a new version supersedes whatever
 * the replica held: an acknowledged sibling (a lost write) or a newer tombstone (a resurrection), whichever the first
 * failing schedule hits.
 */
class ReintroducedBugsTest {

    private static final int SEEDS_MAX = 2_000;

    @ParameterizedTest
    @CsvSource({
            "PLAIN_VECTOR_CLOCKS,    lost write",
            "EARLY_TOMBSTONE_PURGE,  resurrection|dot reused",
            "VALUE_ONLY_READ_REPAIR, lost write|resurrection"})
    void theSimulatorCatchesTheBug(Bug bug, String violation) throws Exception {
        Simulator.Report report = Simulator.run(1, SEEDS_MAX, ConflictMode.VECTOR_CLOCK, Set.of(bug),
                SimulatedSchedulesTest.threads(), 1, line -> { });
        assertThat(report.failures()).as("%s caught within %d schedules", bug, SEEDS_MAX).isNotEmpty();
        RunResult caught = report.failures().getFirst();
        System.out.println(bug + " caught after " + report.schedules() + " schedules: "
                + Reports.describe(caught, false).lines().limit(4).reduce("", (a, b) -> a + "\n" + b));
        assertThat(caught.violations()).anySatisfy(v -> assertThat(v).containsPattern("^(" + violation + ")"));
    }
}
