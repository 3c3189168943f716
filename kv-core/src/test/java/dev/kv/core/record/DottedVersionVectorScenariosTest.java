package dev.kv.core.record;

import dev.kv.core.Limits;
import dev.kv.core.version.Dot;
import dev.kv.core.version.VersionVector;
import dev.kv.core.version.WriteIds;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The vector-clock conflict mode, scenario by scenario (DESIGN §3). Replicas are plain variables; a "coordinator
 * write" is {@link Versioning#write} on that replica's record, replication is {@link Versioning#merge}.
 */
class DottedVersionVectorScenariosTest {

    private static final Versioning DVV = ConflictMode.VECTOR_CLOCK.versioning();
    private static final String N1 = "n1:1";
    private static final String N2 = "n2:1";
    private static final String N3 = "n3:1";

    private long now = 1_000;

    private Record put(Record local, String actor, String value, VersionVector context) {
        now++;
        return DVV.write(local, Mutation.put(bytes(value), "text/plain", Sibling.NO_EXPIRY, context), actor, now << 16,
                now);
    }

    private Record delete(Record local, String actor, VersionVector context) {
        now++;
        return DVV.write(local, Mutation.delete(context), actor, now << 16, now);
    }

    private static byte[] bytes(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> values(Record record) {
        return record.siblings().stream().map(s -> s.tombstone() ? "<deleted>"
                : new String(s.value(), StandardCharsets.UTF_8)).sorted().toList();
    }

    @Test
    void twoWritesWithTheSameContextThroughTheSameCoordinatorBothSurviveAsSiblings() {
        Record n1 = put(Record.EMPTY, N1, "v0", null);
        VersionVector context = n1.clock();

        n1 = put(n1, N1, "alice", context);
        n1 = put(n1, N1, "bob", context);

        // A plain per-node vector clock would give bob's write {n1:3}, which dominates alice's {n1:2}: a lost update.
        assertThat(values(n1)).containsExactly("alice", "bob");
        assertThat(n1.siblings()).extracting(Sibling::dot).containsExactly(new Dot(N1, 2), new Dot(N1, 3));
    }

    @Test
    void twoWritesWithTheSameContextThroughDifferentCoordinatorsBothSurviveAfterMerge() {
        Record n1 = put(Record.EMPTY, N1, "v0", null);
        Record n2 = DVV.merge(Record.EMPTY, n1);
        VersionVector context = n1.clock();

        n1 = put(n1, N1, "alice", context);
        n2 = put(n2, N2, "bob", context);

        Record n1AfterRepair = DVV.merge(n1, n2);
        Record n2AfterRepair = DVV.merge(n2, n1);
        assertThat(values(n1AfterRepair)).containsExactly("alice", "bob");
        assertThat(n1AfterRepair).isEqualTo(n2AfterRepair);
    }

    @Test
    void aWriteCarryingTheMergedContextOfTheSiblingsResolvesThemToOne() {
        Record n1 = put(Record.EMPTY, N1, "v0", null);
        Record n2 = DVV.merge(Record.EMPTY, n1);
        n1 = put(n1, N1, "alice", n1.clock());
        n2 = put(n2, N2, "bob", n2.clock());
        Record read = DVV.merge(n1, n2);
        assertThat(read.siblings()).hasSize(2);

        // The client reads both siblings with the join of their histories as context and writes the resolution
        // through a third coordinator that has seen neither sibling.
        Record n3 = put(Record.EMPTY, N3, "alice+bob", read.clock());
        assertThat(values(n3)).containsExactly("alice+bob");

        Record converged = DVV.merge(DVV.merge(n1, n2), n3);
        assertThat(values(converged)).containsExactly("alice+bob");
        assertThat(DVV.merge(n3, DVV.merge(n2, n1))).isEqualTo(converged);
    }

    @Test
    void aWriteWithAStaleContextResolvesOnlyWhatItsContextCovers() {
        Record n1 = put(Record.EMPTY, N1, "v0", null);
        VersionVector sawV0 = n1.clock();
        n1 = put(n1, N1, "alice", sawV0);
        n1 = put(n1, N1, "bob", sawV0);
        VersionVector sawAliceOnly = VersionVector.of(List.of(new VersionVector.Entry(N1, 2, 0)));

        n1 = put(n1, N1, "carol", sawAliceOnly);

        assertThat(values(n1)).containsExactly("bob", "carol");
    }

    @Test
    void aBlindWriteSupersedesWhatTheCoordinatorHolds() {
        Record n1 = put(Record.EMPTY, N1, "v0", null);
        n1 = put(n1, N1, "alice", n1.clock());
        n1 = put(n1, N1, "bob", VersionVector.EMPTY);
        assertThat(values(n1)).containsExactly("alice", "bob");

        n1 = put(n1, N1, "blind", null);

        assertThat(values(n1)).containsExactly("blind");
    }

    @Test
    void aBlindWriteDoesNotSupersedeWhatTheCoordinatorHasNotSeen() {
        Record n1 = put(Record.EMPTY, N1, "v0", null);
        Record n2 = put(Record.EMPTY, N2, "elsewhere", null);

        n1 = put(n1, N1, "blind", null);

        assertThat(values(DVV.merge(n1, n2))).containsExactly("blind", "elsewhere");
    }

    @Test
    void aDeleteDominatesOlderVersionsAfterMergeInAnyOrder() {
        Record n1 = put(Record.EMPTY, N1, "v1", null);
        Record n2 = DVV.merge(Record.EMPTY, n1);
        Record n3 = DVV.merge(Record.EMPTY, n1);
        n2 = put(n2, N2, "v2", n2.clock());
        n3 = DVV.merge(n3, n2);
        Record deleted = delete(n3, N3, n3.clock());
        assertThat(deleted.isDeadAt(now)).isTrue();

        // The replicas that missed the delete still hold v1 and v2; no repair order brings them back.
        for (Record merged : List.of(DVV.merge(deleted, n1), DVV.merge(n1, deleted), DVV.merge(DVV.merge(n1, n2),
                deleted), DVV.merge(deleted, DVV.merge(n2, n1)), DVV.merge(DVV.merge(n1, deleted), n2))) {
            assertThat(values(merged)).containsExactly("<deleted>");
            assertThat(merged.isDeadAt(now)).isTrue();
            assertThat(merged.liveSiblings(now)).isEmpty();
        }
    }

    @Test
    void aDeleteConcurrentWithAWriteLeavesTheWriteStanding() {
        Record n1 = put(Record.EMPTY, N1, "v1", null);
        Record n2 = DVV.merge(Record.EMPTY, n1);
        Record deleted = delete(n1, N1, n1.clock());
        Record updated = put(n2, N2, "v2", n2.clock());

        Record merged = DVV.merge(deleted, updated);

        assertThat(values(merged)).containsExactly("<deleted>", "v2");
        assertThat(merged.isDeadAt(now)).isFalse();
        assertThat(merged.liveSiblings(now)).extracting(Sibling::value).containsExactly(bytes("v2"));
    }

    @Test
    void anExpiredSiblingReadsAsDeadButStillDominatesOlderVersions() {
        Record n1 = put(Record.EMPTY, N1, "v1", null);
        Record n2 = DVV.merge(Record.EMPTY, n1);
        now++;
        long expiresAt = now + 500;
        Record expiring = DVV.write(n1, Mutation.put(bytes("short-lived"), "text/plain", expiresAt, n1.clock()), N1,
                now << 16, now);

        assertThat(expiring.isDeadAt(expiresAt - 1)).isFalse();
        assertThat(expiring.isDeadAt(expiresAt)).isTrue();
        assertThat(expiring.siblings().getFirst().isExpiredAt(expiresAt)).isTrue();

        // After expiry, repair from the replica that still holds v1 must not bring v1 back.
        for (Record merged : List.of(DVV.merge(expiring, n2), DVV.merge(n2, expiring))) {
            assertThat(values(merged)).containsExactly("short-lived");
            assertThat(merged.isDeadAt(expiresAt)).isTrue();
            assertThat(merged.diedAtMillis()).isEqualTo(expiresAt);
        }
    }

    @Test
    void aWriteThatWouldExceedTheSiblingLimitIsRefused() {
        Record n1 = put(Record.EMPTY, N1, "v0", null);
        VersionVector context = n1.clock();
        Record record = n1;
        for (int i = 0; i < Limits.SIBLINGS_MAX; i++) {
            record = put(record, N1, "concurrent-" + i, context);
        }
        assertThat(record.siblings()).hasSize(Limits.SIBLINGS_MAX);
        Record full = record;

        assertThatThrownBy(() -> put(full, N1, "one too many", context))
                .isInstanceOf(TooManySiblingsException.class)
                .hasMessageContaining(String.valueOf(Limits.SIBLINGS_MAX))
                .satisfies(e -> assertThat(((TooManySiblingsException) e).siblings())
                        .isEqualTo(Limits.SIBLINGS_MAX + 1));
        // Resolving with the full context is still accepted and collapses the siblings.
        assertThat(values(put(full, N1, "resolved", full.clock()))).containsExactly("resolved");
    }

    @Test
    void aNodeThatLostItsDataWritesAsANewActorWhoseDotsNeverCollideWithTheOldOnes() {
        Record n1 = put(Record.EMPTY, N1, "before-wipe", null);
        Record n2 = DVV.merge(Record.EMPTY, n1);

        // n1 loses its disk and restarts as generation 2 with an empty record; a blind write arrives.
        Record wiped = put(Record.EMPTY, "n1:2", "after-wipe", null);
        assertThat(wiped.siblings().getFirst().dot()).isEqualTo(new Dot("n1:2", 1));

        Record merged = DVV.merge(n2, wiped);
        assertThat(values(merged)).containsExactly("after-wipe", "before-wipe");
        assertThat(merged.siblings()).extracting(Sibling::dot).containsExactly(new Dot(N1, 1), new Dot("n1:2", 1));
    }

    @Test
    void reusingAnActorAfterAWipeWouldSilentlyLoseAWriteWhichIsWhyActorsCarryTheGeneration() {
        // The kv679 failure the generation in the actor id prevents: the same dot names two different values, and
        // the merge must drop one of them.
        Record n1 = put(Record.EMPTY, N1, "before-wipe", null);
        Record n2 = DVV.merge(Record.EMPTY, n1);
        Record reused = put(Record.EMPTY, N1, "after-wipe", null);

        Record merged = DVV.merge(n2, reused);

        assertThat(merged.siblings()).hasSize(1);
        assertThat(DVV.merge(reused, n2)).isEqualTo(merged);
    }

    @Test
    void theCoordinatorsNewDotIsAboveEveryCounterOfItsActorInTheRecordAndTheContext() {
        Record n1 = put(Record.EMPTY, N1, "v1", null);
        n1 = put(n1, N1, "v2", null);
        // A context from a replica that has seen more of n1's writes than this (restored) record.
        VersionVector aheadContext = VersionVector.of(List.of(new VersionVector.Entry(N1, 7, 0)));
        Record written = put(n1, N1, "v8", aheadContext);
        assertThat(written.siblings()).extracting(Sibling::dot).containsExactly(new Dot(N1, 8));
        assertThat(written.clock().counter(N1)).isEqualTo(8);
    }

    @Test
    void theWrittenClockIsPrunedButKeepsTheActorsOfLiveSiblings() {
        Record record = Record.EMPTY;
        for (int i = 1; i <= Limits.CLOCK_ENTRIES_MAX + 3; i++) {
            record = DVV.merge(record, put(Record.EMPTY, "n" + i + ":1", "v" + i, null));
        }
        assertThat(record.clock().size()).isEqualTo(Limits.CLOCK_ENTRIES_MAX + 3);
        // A write with a context of only the last sibling leaves all the others standing, so no actor can go.
        VersionVector lastOnly = VersionVector.of(List.of(new VersionVector.Entry("n13:1", 1, 0)));
        Record partial = put(record, "n13:1", "v13b", lastOnly);
        assertThat(partial.clock().size()).isEqualTo(Limits.CLOCK_ENTRIES_MAX + 3);
        // A resolving write leaves one sibling, but every actor advanced less than a day ago: their versions may
        // still be on their way (hints, partitions), so none is pruned yet.
        Record resolved = put(record, "n1:1", "resolved", record.clock());
        assertThat(resolved.clock().size()).isEqualTo(Limits.CLOCK_ENTRIES_MAX + 3);
        // A day later, the next write prunes the clock to the limit, keeping its sibling's actor.
        now += Limits.CLOCK_PRUNE_MIN_AGE_MILLIS;
        Record later = put(resolved, "n1:1", "later", resolved.clock());
        assertThat(later.clock().size()).isEqualTo(Limits.CLOCK_ENTRIES_MAX);
        assertThat(later.clock().counter("n1:1")).isEqualTo(3);
        assertThat(values(later)).containsExactly("later");
    }

    @Test
    void aClockOfYoungEntriesIsPrunedOnlyBeyondTheCeiling() {
        Record record = Record.EMPTY;
        for (int i = 1; i <= Limits.CLOCK_ENTRIES_CEILING + 1; i++) {
            record = DVV.merge(record, put(Record.EMPTY, "n" + i + ":1", "v" + i, null));
        }
        Record resolved = put(record, "n1:1", "resolved", record.clock());
        assertThat(resolved.clock().size()).isEqualTo(Limits.CLOCK_ENTRIES_CEILING);
        assertThat(resolved.clock().counter("n1:1")).isEqualTo(2);
    }

    @Test
    void aDeleteOfAFirstVersionIsNotUndoneByAReattemptOfTheSameWriteAppliedAfterIt() {
        Record base = put(Record.EMPTY, N1, "v0", null);
        Record first = attempt(base, N1, "v1", base.clock(), 7, false); // applied; its answer was lost
        Record deleted = delete(first, N1, first.clock());                // a client saw v1 and deleted it
        // The gateway re-attempts the write on N2, which already has the delete: it does not apply it again.
        Record reattempt = attempt(deleted, N2, "v1", base.clock(), 7, true);
        assertThat(reattempt.isDeadAt(now)).isTrue();
        // N3 had neither: the re-attempt's twin stands there until it meets the delete, which supersedes it.
        Record twin = attempt(base, N3, "v1", base.clock(), 7, true);
        assertThat(DVV.merge(twin, deleted).isDeadAt(now)).isTrue();
        assertThat(DVV.merge(deleted, twin).isDeadAt(now)).isTrue();
    }

    private Record attempt(Record local, String actor, String value, VersionVector context, long writeId,
                           boolean reattempt) {
        now++;
        return DVV.write(local, Mutation.put(bytes(value), "text/plain", Sibling.NO_EXPIRY, context)
                .asWrite(writeId, reattempt), actor, now << 16, now);
    }

    @Test
    void aCoordinatorAppliesOneClientWriteOnlyOnceWhateverTheRetries() {
        Record n1 = put(Record.EMPTY, N1, "v0", null);
        Record once = attempt(n1, N1, "v1", n1.clock(), 42, false);

        assertThat(attempt(once, N1, "v1", n1.clock(), 42, false)).isSameAs(once);
        assertThat(attempt(once, N1, "v1", n1.clock(), 42, true)).isSameAs(once);
        // Also once a later write superseded it: the re-attempt's alias dot in the clock says the write was seen.
        Record twin = attempt(n1, N2, "v1", n1.clock(), 42, true);
        Record overwritten = put(twin, N2, "v2", twin.clock());
        assertThat(attempt(overwritten, N2, "v1", n1.clock(), 42, true)).isSameAs(overwritten);
    }

    @Test
    void twinsOfOneWriteCollapseIntoTheReattemptsVersionInEitherMergeOrder() {
        Record base = put(Record.EMPTY, N1, "v0", null);
        Record first = attempt(base, N1, "v1", base.clock(), 7, false);
        Record reattempt = attempt(base, N2, "v1", base.clock(), 7, true);

        Record merged = DVV.merge(first, reattempt);

        assertThat(merged).isEqualTo(DVV.merge(reattempt, first));
        assertThat(merged.siblings()).extracting(Sibling::dot).containsExactly(WriteIds.aliasDot(7));
        assertThat(merged.clock().covers(first.siblings().getFirst().dot())).isTrue();
    }

    @Test
    void aDeleteThatSawTheReattemptAlsoSupersedesTheFirstAttemptsTwin() {
        Record base = put(Record.EMPTY, N1, "v0", null);
        Record paused = attempt(base, N1, "v1", base.clock(), 7, false); // applied, but its answer was lost
        Record n2 = attempt(base, N2, "v1", base.clock(), 7, true);
        Record deleted = delete(n2, N2, n2.clock());

        assertThat(DVV.merge(paused, deleted)).isEqualTo(DVV.merge(deleted, paused));
        assertThat(DVV.merge(paused, deleted).isDeadAt(now)).isTrue();
        // And when the paused coordinator hears of the delete first, it does not apply the write at all.
        assertThat(attempt(DVV.merge(base, deleted), N1, "v1", base.clock(), 7, false).isDeadAt(now)).isTrue();
    }

    @Test
    void reattemptsOnDifferentCoordinatorsShareOneDot() {
        Record base = put(Record.EMPTY, N1, "v0", null);
        Record n2 = attempt(base, N2, "v1", base.clock(), 9, true);
        Record n3 = attempt(base, N3, "v1", base.clock(), 9, true);

        Record merged = DVV.merge(n2, n3);

        assertThat(merged.siblings()).hasSize(1);
        assertThat(merged.siblings().getFirst().dot()).isEqualTo(WriteIds.aliasDot(9));
        assertThat(merged).isEqualTo(DVV.merge(n3, n2));
    }
}
