package dev.kv.node.faults;

import dev.kv.core.record.Mutation;
import dev.kv.node.config.NodeProperties;
import dev.kv.node.expiry.ExpiryProperties;
import dev.kv.node.expiry.PurgeGate;
import dev.kv.node.expiry.TombstoneSweeper;
import dev.kv.node.hints.HintProperties;
import dev.kv.node.hints.HintStore;
import dev.kv.node.storage.NodeIdentity;
import dev.kv.node.storage.RecordStore;
import dev.kv.node.storage.RocksStorage;
import dev.kv.node.storage.StorageKeys;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.util.unit.DataSize;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Failpoints at the durable steps of the hint store and the tombstone sweep, on a real RocksDB: an {@code error}
 * before the step fails it and leaves what was stored untouched, one after it fails the caller though the step is
 * done, and a crash fires only when the step actually runs.
 */
class FailpointStepsTest {

    private static final Duration GRACE = Duration.ofMinutes(10);
    private static final HintProperties HINTS = new HintProperties(true, Duration.ofHours(3), DataSize.ofMegabytes(1),
            Duration.ofSeconds(1), 1000, Duration.ofSeconds(1));
    private static final ExpiryProperties EXPIRY = new ExpiryProperties(GRACE, Duration.ofSeconds(1), 100);

    @TempDir
    Path dataDir;

    private final AtomicLong now = new AtomicLong(1_700_000_000_000L);
    private final InstantSource clock = () -> Instant.ofEpochMilli(now.get());
    private final List<Integer> halts = new ArrayList<>();

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private Failpoints armed(Failpoint point, FailpointAction action) {
        return new Failpoints(Map.of(point, action), halts::add);
    }

    @Test
    void anErrorBeforeStoringAHintFailsTheCallAndStoresNothing() throws Exception {
        try (RocksStorage storage = new RocksStorage(node())) {
            HintStore hints = new HintStore(storage, HINTS, EXPIRY, clock, new SimpleMeterRegistry(),
                    armed(Failpoint.HINT_STORE_BEFORE, new FailpointAction.IoError()));

            assertThatThrownBy(() -> hints.store("n2", bytes("k"), bytes("record")))
                    .isInstanceOf(FailpointException.class).hasMessageContaining("hint-store.before");

            assertThat(hints.oldest("n2", 10)).isEmpty();
            assertThat(hints.pendingByTarget()).doesNotContainKey("n2");
        }
        try (RocksStorage reopened = new RocksStorage(node())) {
            assertThat(new HintStore(reopened, HINTS, EXPIRY, clock, new SimpleMeterRegistry(),
                    Failpoints.disabled())
                    .oldest("n2", 10)).as("nothing on disk either").isEmpty();
        }
    }

    @Test
    void anErrorAfterStoringAHintFailsTheCallButTheHintIsKept() throws Exception {
        try (RocksStorage storage = new RocksStorage(node())) {
            HintStore hints = new HintStore(storage, HINTS, EXPIRY, clock, new SimpleMeterRegistry(),
                    armed(Failpoint.HINT_STORE_AFTER, new FailpointAction.IoError()));

            assertThatThrownBy(() -> hints.store("n2", bytes("k"), bytes("record")))
                    .isInstanceOf(FailpointException.class);

            assertThat(hints.oldest("n2", 10)).singleElement()
                    .satisfies(hint -> assertThat(hint.record()).isEqualTo(bytes("record")));
            assertThat(hints.pendingByTarget()).containsEntry("n2", 1L);
        }
    }

    @Test
    void anErrorBeforeAPurgeLeavesTheTombstoneAndTheNextSweepPurgesIt() throws Exception {
        try (RocksStorage storage = new RocksStorage(node())) {
            RecordStore store = new RecordStore(storage, node(), EXPIRY, new NodeIdentity(node(), storage, clock),
                    clock);
            store.coordinate(bytes("dead"), Mutation.put(bytes("v"), "", 0, null));
            store.coordinate(bytes("dead"), Mutation.delete(null));
            now.addAndGet(GRACE.toMillis() + 1000);
            TombstoneSweeper failing = new TombstoneSweeper(storage, store, EXPIRY, clock, new SimpleMeterRegistry(),
                    armed(Failpoint.TOMBSTONE_PURGE_BEFORE, new FailpointAction.IoError()),
                    PurgeGate.soleReplica("n1"));

            assertThatThrownBy(failing::sweepSlice).isInstanceOf(FailpointException.class);
            assertThat(storage.get(StorageKeys.of(bytes("dead")))).as("tombstone kept")
                    .isNotNull();

            new TombstoneSweeper(storage, store, EXPIRY, clock, new SimpleMeterRegistry(), Failpoints.disabled(),
                    PurgeGate.soleReplica("n1"))
                    .sweepSlice();
            assertThat(storage.get(StorageKeys.of(bytes("dead")))).isNull();
        }
    }

    @Test
    void aPurgeCrashFiresOnlyWhenASweepFindsSomethingToPurge() throws Exception {
        try (RocksStorage storage = new RocksStorage(node())) {
            RecordStore store = new RecordStore(storage, node(), EXPIRY, new NodeIdentity(node(), storage, clock),
                    clock);
            TombstoneSweeper sweeper = new TombstoneSweeper(storage, store, EXPIRY, clock, new SimpleMeterRegistry(),
                    armed(Failpoint.TOMBSTONE_PURGE_AFTER, new FailpointAction.Crash()), PurgeGate.soleReplica("n1"));
            store.coordinate(bytes("live"), Mutation.put(bytes("v"), "", 0, null));

            sweeper.sweepSlice();
            assertThat(halts).as("a pass with nothing dead").isEmpty();

            store.coordinate(bytes("live"), Mutation.delete(null));
            now.addAndGet(GRACE.toMillis() + 1000);
            sweeper.sweepSlice();
            assertThat(halts).containsExactly(137);
            assertThat(storage.get(StorageKeys.of(bytes("live")))).as("halted after the purge")
                    .isNull();
        }
    }

    private NodeProperties node() {
        return new NodeProperties("n1", dataDir, "vector-clock", false);
    }
}
