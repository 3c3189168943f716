package dev.kv.node.expiry;

import dev.kv.core.record.Mutation;
import dev.kv.core.record.Record;
import dev.kv.core.replica.PurgeClearance;
import dev.kv.node.config.NodeProperties;
import dev.kv.node.faults.Failpoints;
import dev.kv.node.storage.NodeIdentity;
import dev.kv.node.storage.RecordStore;
import dev.kv.node.storage.RocksStorage;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The purge sweep on a real RocksDB, walking the store three records per slice. */
class TombstoneSweeperTest {

    private static final Duration GRACE = Duration.ofMinutes(10);
    private static final String RANGE = "n1+n2+n3";

    @TempDir
    Path dataDir;

    private final AtomicLong now = new AtomicLong(1_700_000_000_000L);
    private final InstantSource clock = () -> Instant.ofEpochMilli(now.get());

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aPassInSlicesPurgesExactlyTheRecordsDeadForLongerThanTheGrace() throws Exception {
        NodeProperties node = new NodeProperties("n1", dataDir, "vector-clock", false);
        try (RocksStorage storage = new RocksStorage(node)) {
            ExpiryProperties expiry = new ExpiryProperties(GRACE, Duration.ofSeconds(1), 3);
            RecordStore store = new RecordStore(storage, node, expiry, new NodeIdentity(node, storage, clock), clock);
            TombstoneSweeper sweeper = new TombstoneSweeper(storage, store, expiry, clock, new SimpleMeterRegistry(),
                    Failpoints.disabled(), PurgeGate.soleReplica("n1"));
            for (int i = 0; i < 5; i++) {
                store.coordinate(bytes("live/" + i), Mutation.put(bytes("v"), "", 0, null));
            }
            for (int i = 0; i < 3; i++) {
                store.coordinate(bytes("deleted/" + i), Mutation.put(bytes("v"), "", 0, null));
                store.coordinate(bytes("deleted/" + i), Mutation.delete(null));
            }
            store.coordinate(bytes("expired"), Mutation.put(bytes("v"), "", now.get() + 1000, null));
            now.addAndGet(GRACE.toMillis() + 2000);
            store.coordinate(bytes("deleted/recently"), Mutation.put(bytes("v"), "", 0, null));
            store.coordinate(bytes("deleted/recently"), Mutation.delete(null));

            int slices = 1;
            while (!sweeper.sweepSlice()) {
                slices++;
            }

            assertThat(slices).as("10 records, 3 per slice").isEqualTo(4);
            for (int i = 0; i < 3; i++) {
                assertThat(store.read(bytes("deleted/" + i))).isEqualTo(Record.EMPTY);
            }
            assertThat(store.read(bytes("expired"))).isEqualTo(Record.EMPTY);
            assertThat(store.read(bytes("deleted/recently")).isEmpty()).as("tombstone within its grace").isFalse();
            for (int i = 0; i < 5; i++) {
                assertThat(store.read(bytes("live/" + i)).liveSiblings(now.get())).hasSize(1);
            }
            assertThat(sweeper.sweepSlice()).as("the next pass starts over").isFalse();
        }
    }

    @Test
    void aDeadRecordPastItsGraceWaitsForAnExchangeWithEveryOtherReplicaStartedAfterItWasSeen() throws Exception {
        NodeProperties node = new NodeProperties("n1", dataDir, "vector-clock", false);
        try (RocksStorage storage = new RocksStorage(node)) {
            ExpiryProperties expiry = new ExpiryProperties(GRACE, Duration.ofSeconds(1), 100);
            RecordStore store = new RecordStore(storage, node, expiry, new NodeIdentity(node, storage, clock), clock);
            PurgeClearance clearance = new PurgeClearance(100);
            TombstoneSweeper sweeper = new TombstoneSweeper(storage, store, expiry, clock, new SimpleMeterRegistry(),
                    Failpoints.disabled(), new PurgeGate(clearance, key -> RANGE, "n1"));
            store.coordinate(bytes("deleted"), Mutation.put(bytes("v"), "", 0, null));
            store.coordinate(bytes("deleted"), Mutation.delete(null));
            long beforeSighting = clearance.exchangeStarted();
            now.addAndGet(GRACE.toMillis() + 1);

            assertThat(sweeper.sweepSlice()).isTrue();
            clearance.exchangeCompleted(RANGE, "n2", beforeSighting);
            clearance.exchangeCompleted(RANGE, "n3", clearance.exchangeStarted());
            assertThat(sweeper.sweepSlice()).isTrue();
            assertThat(store.read(bytes("deleted")).isEmpty())
                    .as("n2's last exchange started before the tombstone was seen past its grace").isFalse();

            clearance.exchangeCompleted(RANGE, "n2", clearance.exchangeStarted());
            assertThat(sweeper.sweepSlice()).isTrue();
            assertThat(store.read(bytes("deleted"))).isEqualTo(Record.EMPTY);
        }
    }
}
