package dev.kv.node.storage;

import dev.kv.core.record.Mutation;
import dev.kv.core.record.Record;
import dev.kv.core.record.Sibling;
import dev.kv.node.config.NodeProperties;
import dev.kv.node.expiry.ExpiryProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The record store on a real RocksDB in a temporary directory. */
class RecordStoreTest {

    private static final ExpiryProperties EXPIRY = new ExpiryProperties(Duration.ofHours(1), Duration.ofSeconds(1),
            2000);

    @TempDir
    Path dataDir;

    private final AtomicLong now = new AtomicLong(1_700_000_000_000L);
    private final InstantSource clock = () -> Instant.ofEpochMilli(now.get());

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private NodeProperties properties(Path dir) {
        return new NodeProperties("n1", dir, "vector-clock", false);
    }

    @Test
    void twoWritesWithTheSameContextOnOneCoordinatorBothSurvive() throws Exception {
        try (RocksStorage storage = new RocksStorage(properties(dataDir))) {
            RecordStore store = new RecordStore(storage, properties(dataDir), EXPIRY,
                    new NodeIdentity(properties(dataDir), storage, clock), clock);
            Record first = store.coordinate(bytes("k"), Mutation.put(bytes("v1"), "text/plain", 0, null));
            store.coordinate(bytes("k"), Mutation.put(bytes("a"), "text/plain", 0, first.clock()));
            Record both = store.coordinate(bytes("k"), Mutation.put(bytes("b"), "text/plain", 0, first.clock()));

            assertThat(both.siblings()).extracting(s -> new String(s.value(), StandardCharsets.UTF_8))
                    .containsExactlyInAnyOrder("a", "b");
            assertThat(store.read(bytes("k"))).isEqualTo(both);
        }
    }

    @Test
    void recordsAndGenerationSurviveReopeningTheDatabase() throws Exception {
        long generation;
        Record written;
        try (RocksStorage storage = new RocksStorage(properties(dataDir))) {
            NodeIdentity identity = new NodeIdentity(properties(dataDir), storage, clock);
            generation = identity.generation();
            written = new RecordStore(storage, properties(dataDir), EXPIRY, identity, clock)
                    .coordinate(bytes("k"), Mutation.put(bytes("durable"), "text/plain", 0, null));
        }
        now.addAndGet(60_000);
        try (RocksStorage storage = new RocksStorage(properties(dataDir))) {
            NodeIdentity identity = new NodeIdentity(properties(dataDir), storage, clock);
            assertThat(identity.generation()).isEqualTo(generation);
            assertThat(new RecordStore(storage, properties(dataDir), EXPIRY, identity, clock).read(bytes("k")))
                    .isEqualTo(written);
        }
    }

    @Test
    void aWipedDataDirectoryStartsANewActor(@TempDir Path otherDir) throws Exception {
        String before;
        try (RocksStorage storage = new RocksStorage(properties(dataDir))) {
            before = new NodeIdentity(properties(dataDir), storage, clock).actor();
        }
        now.addAndGet(1);
        try (RocksStorage storage = new RocksStorage(properties(otherDir))) {
            assertThat(new NodeIdentity(properties(otherDir), storage, clock).actor()).isNotEqualTo(before)
                    .startsWith("n1:");
        }
    }

    @Test
    void aNodeRestartedOnAnOldCopyOfItsDataNeverReissuesADot(@TempDir Path backup) throws Exception {
        try (RocksStorage storage = new RocksStorage(properties(dataDir))) {
            new RecordStore(storage, properties(dataDir), EXPIRY, new NodeIdentity(properties(dataDir), storage, clock),
                    clock).coordinate(bytes("k"), Mutation.put(bytes("v1"), "", 0, null));
        }
        copyDirectory(dataDir, backup);
        Sibling second;
        try (RocksStorage storage = new RocksStorage(properties(dataDir))) {
            RecordStore store = new RecordStore(storage, properties(dataDir), EXPIRY,
                    new NodeIdentity(properties(dataDir), storage, clock), clock);
            second = store.coordinate(bytes("k"), Mutation.put(bytes("v2"), "", 0, null)).siblings().getFirst();
        }
        now.addAndGet(-60_000); // the restored machine's clock is even behind: the epoch must still move on
        try (RocksStorage storage = new RocksStorage(properties(backup))) {
            RecordStore store = new RecordStore(storage, properties(backup), EXPIRY,
                    new NodeIdentity(properties(backup), storage, clock), clock);
            Sibling third = store.coordinate(bytes("k"), Mutation.put(bytes("v3"), "", 0, null)).siblings()
                    .getFirst();

            assertThat(third.dot()).isNotEqualTo(second.dot());
        }
    }

    private static void copyDirectory(Path from, Path to) throws Exception {
        try (var files = java.nio.file.Files.list(from)) {
            for (Path file : files.toList()) {
                java.nio.file.Files.copy(file, to.resolve(file.getFileName()));
            }
        }
    }

    @Test
    void deadRecordsArePurgedOnlyAfterTheGracePeriod() throws Exception {
        try (RocksStorage storage = new RocksStorage(properties(dataDir))) {
            RecordStore store = new RecordStore(storage, properties(dataDir), EXPIRY,
                    new NodeIdentity(properties(dataDir), storage, clock), clock);
            store.coordinate(bytes("gone"), Mutation.put(bytes("v"), "", 0, null));
            store.coordinate(bytes("gone"), Mutation.delete(null));
            store.coordinate(bytes("live"), Mutation.put(bytes("v"), "", 0, null));
            long graceStart = now.get() - 1000;

            assertThat(store.purgeIfDead(bytes("gone"), graceStart)).isFalse();
            assertThat(store.purgeIfDead(bytes("live"), now.get() + 1000)).isFalse();
            now.addAndGet(5000);
            assertThat(store.purgeIfDead(bytes("gone"), now.get() - 1000)).isTrue();
            assertThat(store.read(bytes("gone"))).isEqualTo(Record.EMPTY);
            assertThat(store.read(bytes("live")).liveSiblings(now.get())).hasSize(1);
        }
    }

    @Test
    void anExpiredValueReadsAsDeadButIsKeptUntilPurged() throws Exception {
        try (RocksStorage storage = new RocksStorage(properties(dataDir))) {
            RecordStore store = new RecordStore(storage, properties(dataDir), EXPIRY,
                    new NodeIdentity(properties(dataDir), storage, clock), clock);
            store.coordinate(bytes("ttl"), Mutation.put(bytes("v"), "", now.get() + 1000, null));
            now.addAndGet(1001);
            Record record = store.read(bytes("ttl"));
            assertThat(record.isDeadAt(now.get())).isTrue();
            assertThat(record.siblings()).extracting(Sibling::hasExpiry).containsExactly(true);
        }
    }
}
