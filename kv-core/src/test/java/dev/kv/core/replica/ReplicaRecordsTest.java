package dev.kv.core.replica;

import dev.kv.core.record.ConflictMode;
import dev.kv.core.record.Mutation;
import dev.kv.core.record.Record;
import dev.kv.core.record.Sibling;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReplicaRecordsTest {

    private static final long GRACE = 60_000;
    private static final byte[] KEY = "k".getBytes(StandardCharsets.UTF_8);

    private final Map<String, Record> disk = new HashMap<>();
    private final AtomicLong now = new AtomicLong(1_750_000_000_000L);
    private final InstantSource clock = () -> Instant.ofEpochMilli(now.get());
    private final ReplicaRecords replica = new ReplicaRecords(new ReplicaRecords.Store() {
        @Override
        public Record read(byte[] key) {
            return disk.getOrDefault(new String(key, StandardCharsets.UTF_8), Record.EMPTY);
        }

        @Override
        public void write(byte[] key, Record before, Record after) {
            String name = new String(key, StandardCharsets.UTF_8);
            if (after == null) {
                disk.remove(name);
            } else {
                disk.put(name, after);
            }
        }
    }, ConflictMode.VECTOR_CLOCK.versioning(), () -> "n1:a", clock, GRACE);

    private static Mutation put(String value) {
        return Mutation.put(value.getBytes(StandardCharsets.UTF_8), "text/plain", Sibling.NO_EXPIRY, null);
    }

    @Test
    void aKeyWrittenAgainAfterItsPurgeGetsANewDotAndAStaleCopyOfTheOldValueStaysDead() {
        Record old = replica.coordinate(KEY, put("old"), Long.MAX_VALUE);
        replica.coordinate(KEY, Mutation.delete(old.clock()), Long.MAX_VALUE);
        now.addAndGet(GRACE + 1);
        assertThat(replica.purgeIfDead(KEY, now.get() - GRACE)).isTrue();

        Record fresh = replica.coordinate(KEY, put("new"), Long.MAX_VALUE);

        assertThat(fresh.siblings().getFirst().dot()).isNotEqualTo(old.siblings().getFirst().dot());
        assertThat(fresh.clock().counter("n1:a")).isGreaterThan(old.clock().counter("n1:a") + 1);
        // A copy of the old value that outlived the purge (a late hint) is covered by the new clock.
        assertThat(replica.merge(KEY, old).siblings()).extracting(s -> new String(s.value(), StandardCharsets.UTF_8))
                .containsExactly("new");
    }

    @Test
    void aDeadRecordPastItsGraceIsNotTakenInWhereTheKeyIsAbsent() {
        Record old = replica.coordinate(KEY, put("v"), Long.MAX_VALUE);
        Record deleted = replica.coordinate(KEY, Mutation.delete(old.clock()), Long.MAX_VALUE);
        now.addAndGet(GRACE + 1);
        replica.purgeIfDead(KEY, now.get() - GRACE);

        assertThat(replica.merge(KEY, deleted)).isEqualTo(Record.EMPTY);
        assertThat(disk).isEmpty();
    }

    @Test
    void anAttemptPastItsDeadlineIsNotApplied() {
        assertThatThrownBy(() -> replica.coordinate(KEY, put("late"), now.get() - 1))
                .isInstanceOf(DeadlinePassedException.class);
        assertThat(disk).isEmpty();
    }
}
