package dev.kv.core.record;

import dev.kv.core.Limits;
import dev.kv.core.version.Dot;
import dev.kv.core.version.VersionVector;
import dev.kv.core.version.WriteIds;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.statistics.StatisticsReport;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The merge laws of DESIGN §3 for both conflict modes, checked on records produced by realistic histories
 * ({@link ReplicaHistory}): merge is commutative, associative and idempotent, so replication, hints, read repair and
 * anti-entropy may apply it in any order, any number of times. Then what the merge must keep: every sibling neither
 * side superseded (vector clocks), the highest timestamp (last write wins).
 */
class RecordMergeProperties {

    private static final int MAX_STEPS = 30;

    @Provide
    Arbitrary<ReplicaHistory> histories() {
        return ReplicaHistory.histories(true, MAX_STEPS);
    }

    @Provide
    Arbitrary<ReplicaHistory> vectorClockHistories() {
        return ReplicaHistory.histories(ConflictMode.VECTOR_CLOCK, true, true, MAX_STEPS);
    }

    @Provide
    Arbitrary<ReplicaHistory> vectorClockHistoriesWithoutWipes() {
        return ReplicaHistory.histories(ConflictMode.VECTOR_CLOCK, false, MAX_STEPS);
    }

    @Provide
    Arbitrary<ReplicaHistory> lastWriteWinsHistoriesWithoutWipes() {
        return ReplicaHistory.histories(ConflictMode.LWW, false, MAX_STEPS);
    }

    @Property(tries = 300)
    void mergeIsCommutative(@ForAll("histories") ReplicaHistory history, @ForAll int i, @ForAll int j) {
        Versioning versioning = history.versioning();
        Record a = history.state(i);
        Record b = history.state(j);
        assertThat(versioning.merge(a, b)).isEqualTo(versioning.merge(b, a));
        List<Record> replicas = history.replicas();
        assertThat(versioning.merge(replicas.get(0), replicas.get(1)))
                .isEqualTo(versioning.merge(replicas.get(1), replicas.get(0)));
    }

    @Property(tries = 300)
    void mergeIsAssociative(@ForAll("histories") ReplicaHistory history, @ForAll int i, @ForAll int j,
                            @ForAll int k) {
        Versioning versioning = history.versioning();
        Record a = history.state(i);
        Record b = history.state(j);
        Record c = history.state(k);
        assertThat(settled(versioning, versioning.merge(versioning.merge(a, b), c),
                versioning.merge(a, versioning.merge(b, c))))
                .isEqualTo(settled(versioning, versioning.merge(a, versioning.merge(b, c)),
                        versioning.merge(versioning.merge(a, b), c)));
        List<Record> r = history.replicas();
        Record leftFirst = versioning.merge(versioning.merge(r.get(0), r.get(1)), r.get(2));
        Record rightFirst = versioning.merge(r.get(0), versioning.merge(r.get(1), r.get(2)));
        Record reversed = versioning.merge(versioning.merge(r.get(2), r.get(1)), r.get(0));
        Record all = settled(versioning, leftFirst, rightFirst, reversed);
        assertThat(settled(versioning, rightFirst, reversed, leftFirst)).isEqualTo(all);
        assertThat(settled(versioning, history.fullyMerged(), all)).isEqualTo(all);
        if (!marksDropped(a, b, c) && !marksDropped(r.get(0), r.get(1), r.get(2))) {
            // While no mark was dropped the merge is a join: every order gives the same record at once.
            assertThat(versioning.merge(versioning.merge(a, b), c))
                    .isEqualTo(versioning.merge(a, versioning.merge(b, c)));
            assertThat(leftFirst).isEqualTo(rightFirst).isEqualTo(reversed).isEqualTo(history.fullyMerged());
        }
    }

    /**
     * The records two replicas reach once they exchanged their results. When a write's mark was dropped (more than
     * {@link Limits#WRITE_MARKS_MAX} writes or {@link Limits#WRITE_MARK_WINDOW_MILLIS} later), a re-attempt's twin
     * the mark superseded may stand in one merge order and not in the other; one more exchange settles it.
     */
    private static Record settled(Versioning versioning, Record first, Record... others) {
        Record result = first;
        for (Record other : others) {
            result = versioning.merge(result, other);
        }
        return result;
    }

    private static boolean marksDropped(Record... records) {
        VersionVector joined = VersionVector.EMPTY;
        for (Record record : records) {
            joined = joined.merge(record.clock());
        }
        return !joined.equals(joined.retainMarks(Limits.WRITE_MARK_WINDOW_MILLIS, Limits.WRITE_MARKS_MAX));
    }

    @Property(tries = 300)
    void mergeIsIdempotent(@ForAll("histories") ReplicaHistory history, @ForAll int i, @ForAll int j) {
        Versioning versioning = history.versioning();
        Record a = history.state(i);
        Record b = history.state(j);
        assertThat(versioning.merge(a, a)).isEqualTo(a);
        Record merged = versioning.merge(a, b);
        assertThat(versioning.merge(merged, b)).isEqualTo(merged);
        assertThat(versioning.merge(merged, a)).isEqualTo(merged);
        assertThat(versioning.merge(a, Record.EMPTY)).isEqualTo(a);
    }

    @Property(tries = 300)
    void theMergedClockIsTheJoinOfBothClocks(@ForAll("histories") ReplicaHistory history, @ForAll int i,
                                             @ForAll int j) {
        Record a = history.state(i);
        Record b = history.state(j);
        Record merged = history.versioning().merge(a, b);
        // The join, less the marks of writes long past their re-attempts (a function of the joined entries alone).
        assertThat(merged.clock()).isEqualTo(a.clock().merge(b.clock())
                .retainMarks(Limits.WRITE_MARK_WINDOW_MILLIS, Limits.WRITE_MARKS_MAX));
        // The merge invents nothing: every sibling it keeps comes from one of the two sides.
        for (Sibling sibling : merged.siblings()) {
            assertThat(a.siblings().contains(sibling) || b.siblings().contains(sibling)).as("%s", sibling).isTrue();
        }
    }

    /**
     * A side supersedes a sibling when its history includes the sibling (its dot, or its client write's alias dot)
     * but it no longer holds the sibling.
     */
    /**
     * Whether {@code side} superseded {@code sibling}: it saw it and keeps no version of its write. Where it keeps
     * another version of the same client write, the two are twins that collapse into the re-attempt's (alias) one.
     */
    private static boolean supersedes(Record side, Sibling sibling) {
        if (side.siblings().stream().anyMatch(s -> s.dot().equals(sibling.dot()))) {
            return false;
        }
        var twin = side.siblings().stream()
                .filter(s -> sibling.writeId() != WriteIds.NONE && s.writeId() == sibling.writeId()).findFirst();
        if (twin.isPresent()) {
            return WriteIds.isAlias(twin.get().dot().actor()) && !WriteIds.isAlias(sibling.dot().actor());
        }
        return sibling.coveredBy(side.clock());
    }

    @Property(tries = 300)
    void mergingNeverLosesASiblingThatNeitherSideSuperseded(
            @ForAll("vectorClockHistories") ReplicaHistory history, @ForAll int i, @ForAll int j) {
        Record a = history.state(i);
        Record b = history.state(j);
        Record merged = history.versioning().merge(a, b);
        for (Record side : List.of(a, b)) {
            Record other = side == a ? b : a;
            for (Sibling sibling : side.siblings()) {
                if (supersedes(other, sibling)) {
                    assertThat(merged.siblings()).as("superseded on the other side").doesNotContain(sibling);
                } else {
                    // Kept as a version: by its dot. Two twins of one re-attempted write (its alias dot, applied again
                    // after a coordinator lost its record) are one version and collapse into either of them.
                    assertThat(merged.siblings()).as("kept from %s", side).extracting(Sibling::dot)
                            .contains(sibling.dot());
                }
            }
        }
    }

    /**
     * The strongest check: once anti-entropy has merged every replica, the siblings standing are exactly the writes
     * that no later write's context covered. Nothing acknowledged is lost (no lost update, however the writes were
     * routed), and nothing a client overwrote or deleted with knowledge of it comes back (no resurrection, no false
     * sibling). Histories without wipes only: a wiped node legitimately loses what it had not replicated.
     */
    @Property(tries = 300)
    @StatisticsReport(StatisticsReport.StatisticsReportMode.OFF)
    void afterFullAntiEntropyExactlyTheWritesNoContextCoveredSurvive(
            @ForAll("vectorClockHistoriesWithoutWipes") ReplicaHistory history) {
        Set<Dot> expected = new TreeSet<>();
        for (ReplicaHistory.WrittenVersion version : history.written()) {
            boolean superseded = history.written().stream()
                    .anyMatch(later -> later.effectiveContext().covers(version.sibling().dot()));
            if (!superseded) {
                expected.add(version.sibling().dot());
            }
        }
        Record converged = history.fullyMerged();
        Set<Dot> surviving = converged.siblings().stream().map(Sibling::dot)
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(surviving).isEqualTo(expected);
        for (Sibling sibling : converged.siblings()) {
            assertThat(history.written().stream().map(ReplicaHistory.WrittenVersion::sibling)).contains(sibling);
        }
        Statistics.label("concurrent siblings survive").collect(expected.size() > 1);
        Statistics.label("concurrent siblings survive").coverage(coverage -> coverage.check(true)
                .percentage(p -> p > 10));
    }

    @Property(tries = 300)
    void lastWriteWinsConvergesToTheWriteWithTheHighestTimestampWhateverTheOrder(
            @ForAll("lastWriteWinsHistoriesWithoutWipes") ReplicaHistory history) {
        Comparator<Sibling> order = Comparator.comparingLong(Sibling::timestamp).thenComparing(Sibling::dot);
        Record converged = history.fullyMerged();
        if (history.written().isEmpty()) {
            assertThat(converged.siblings()).isEmpty();
            return;
        }
        Sibling highest = history.written().stream().map(ReplicaHistory.WrittenVersion::sibling).max(order)
                .orElseThrow();
        assertThat(converged.siblings()).containsExactly(highest);
        for (Record replica : history.replicas()) {
            assertThat(replica.siblings()).hasSizeLessThanOrEqualTo(1);
        }
    }

    @Property(tries = 300)
    void lastWriteWinsMergeKeepsTheHighestTimestampOfBothSides(
            @ForAll("histories") ReplicaHistory history, @ForAll int i, @ForAll int j) {
        if (history.mode() != ConflictMode.LWW) {
            return;
        }
        Record a = history.state(i);
        Record b = history.state(j);
        Record merged = history.versioning().merge(a, b);
        Comparator<Sibling> order = Comparator.comparingLong(Sibling::timestamp).thenComparing(Sibling::dot);
        List<Sibling> both = new ArrayList<>(a.siblings());
        both.addAll(b.siblings());
        if (both.isEmpty()) {
            assertThat(merged.siblings()).isEmpty();
        } else {
            assertThat(merged.siblings()).containsExactly(both.stream().max(order).orElseThrow());
        }
    }

    /**
     * Deletes and expiries are tombstones that dominate older versions: once a replica's record is dead and has seen
     * everything another replica holds, merging the two in either order changes nothing, so no repair path brings
     * the value back.
     */
    @Property(tries = 300)
    @StatisticsReport(StatisticsReport.StatisticsReportMode.OFF)
    void aDeadRecordThatHasSeenEverythingTheOtherHasStaysDeadThroughMerges(
            @ForAll("histories") ReplicaHistory history, @ForAll int i, @ForAll int j) {
        Record a = history.state(i);
        Record b = history.state(j);
        long now = history.nowMillis() + 100;
        boolean deadAndDominating = !a.isEmpty() && a.isDeadAt(now) && a.clock().dominatesOrEquals(b.clock());
        Statistics.label("dead and dominating").collect(deadAndDominating);
        Statistics.label("dead and dominating").coverage(coverage -> coverage.check(true).count(c -> c > 0));
        if (deadAndDominating) {
            assertThat(history.versioning().merge(a, b)).isEqualTo(a);
            assertThat(history.versioning().merge(b, a)).isEqualTo(a);
        }
    }
}
