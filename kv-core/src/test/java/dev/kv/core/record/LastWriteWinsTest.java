package dev.kv.core.record;

import dev.kv.core.version.Dot;
import dev.kv.core.version.HybridLogicalClock;
import dev.kv.core.version.VersionVector;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The last-write-wins conflict mode (DESIGN §3): the highest hybrid logical timestamp wins, ties by dot. */
class LastWriteWinsTest {

    private static final Versioning LWW = ConflictMode.LWW.versioning();

    private static Record put(Record local, String actor, String value, long timestamp) {
        return LWW.write(local, Mutation.put(value.getBytes(StandardCharsets.UTF_8), "text/plain", Sibling.NO_EXPIRY,
                local.clock()), actor, timestamp, HybridLogicalClock.physicalMillis(timestamp));
    }

    private static String value(Record record) {
        assertThat(record.siblings()).hasSize(1);
        Sibling only = record.siblings().getFirst();
        return only.tombstone() ? "<deleted>" : new String(only.value(), StandardCharsets.UTF_8);
    }

    @Test
    void theHigherTimestampWinsRegardlessOfMergeOrder() {
        Record n1 = put(Record.EMPTY, "n1:1", "older", HybridLogicalClock.pack(2_000, 0));
        Record n2 = put(Record.EMPTY, "n2:1", "newer", HybridLogicalClock.pack(2_000, 1));
        Record n3 = put(Record.EMPTY, "n3:1", "oldest", HybridLogicalClock.pack(1_000, 0));

        List<Record> orders = List.of(LWW.merge(n1, n2), LWW.merge(n2, n1), LWW.merge(LWW.merge(n1, n3), n2),
                LWW.merge(n3, LWW.merge(n2, n1)), LWW.merge(LWW.merge(n2, n3), n1));
        for (Record merged : orders) {
            assertThat(value(merged)).isEqualTo("newer");
        }
        assertThat(orders.get(2)).isEqualTo(orders.get(3)).isEqualTo(orders.get(4));
        assertThat(orders.get(2).clock().counters()).containsOnlyKeys("n1:1", "n2:1", "n3:1");
    }

    @Test
    void equalTimestampsAreBrokenByTheDotTheSameWayOnEveryReplica() {
        long sameTime = HybridLogicalClock.pack(5_000, 3);
        Record n1 = put(Record.EMPTY, "n1:1", "from n1", sameTime);
        Record n2 = put(Record.EMPTY, "n2:1", "from n2", sameTime);
        assertThat(value(LWW.merge(n1, n2))).isEqualTo("from n2");
        assertThat(value(LWW.merge(n2, n1))).isEqualTo("from n2");
    }

    @Test
    void aWriteWithAnOlderTimestampThanTheStoredVersionLosesAtTheCoordinator() {
        Record stored = put(Record.EMPTY, "n1:1", "stored", HybridLogicalClock.pack(9_000, 0));
        Record late = put(stored, "n2:1", "skewed clock", HybridLogicalClock.pack(8_000, 0));
        assertThat(value(late)).isEqualTo("stored");
        // The losing write is still counted in the clock, so operators can see it happened.
        assertThat(late.clock().covers(new Dot("n2:1", 1))).isTrue();
    }

    @Test
    void concurrentWritesNeverBecomeSiblings() {
        Record n1 = put(Record.EMPTY, "n1:1", "a", HybridLogicalClock.pack(1_000, 0));
        Record n2 = put(Record.EMPTY, "n2:1", "b", HybridLogicalClock.pack(1_001, 0));
        Record merged = LWW.merge(n1, n2);
        assertThat(merged.siblings()).hasSize(1);
        Record next = LWW.write(merged, Mutation.put(new byte[] {1}, "", Sibling.NO_EXPIRY, VersionVector.EMPTY),
                "n1:1", HybridLogicalClock.pack(1_002, 0), 1_002);
        assertThat(next.siblings()).hasSize(1);
        assertThat(next.siblings().getFirst().value()).containsExactly(1);
    }

    @Test
    void aLaterDeleteWinsAndANewerWriteAfterItWinsAgain() {
        Record n1 = put(Record.EMPTY, "n1:1", "v1", HybridLogicalClock.pack(1_000, 0));
        Record deleted = LWW.write(n1, Mutation.delete(n1.clock()), "n2:1", HybridLogicalClock.pack(2_000, 0), 2_000);
        assertThat(value(LWW.merge(n1, deleted))).isEqualTo("<deleted>");
        assertThat(LWW.merge(deleted, n1).isDeadAt(2_000)).isTrue();
        Record rewritten = put(deleted, "n3:1", "v3", HybridLogicalClock.pack(3_000, 0));
        assertThat(value(LWW.merge(LWW.merge(n1, deleted), rewritten))).isEqualTo("v3");
    }
}
