package dev.kv.node.storage;

import dev.kv.core.codec.RecordCodec;
import dev.kv.core.record.Mutation;
import dev.kv.core.record.Record;
import dev.kv.core.record.Sibling;
import dev.kv.core.record.Versioning;
import dev.kv.core.ring.Murmur3;
import dev.kv.core.version.HybridLogicalClock;
import dev.kv.node.config.NodeProperties;
import org.springframework.stereotype.Component;

import java.time.InstantSource;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Records by key on top of {@link RocksStorage}. Every read-modify-write of a key (a coordinated write, a merge of
 * a replica's record) runs under a striped lock, so two writers on one node never interleave their
 * read-merge-store; different keys proceed in parallel. Records are decoded and validated on every read.
 */
@Component
public class RecordStore {

    private static final int LOCK_STRIPES = 1024;

    private final RocksStorage storage;
    private final Versioning versioning;
    private final NodeIdentity identity;
    private final HybridLogicalClock hlc;
    private final InstantSource clock;
    private final ReentrantLock[] locks = new ReentrantLock[LOCK_STRIPES];

    public RecordStore(RocksStorage storage, NodeProperties properties, NodeIdentity identity, InstantSource clock) {
        this.storage = storage;
        this.versioning = properties.mode().versioning();
        this.identity = identity;
        this.clock = clock;
        this.hlc = new HybridLogicalClock(clock);
        for (int i = 0; i < LOCK_STRIPES; i++) {
            locks[i] = new ReentrantLock();
        }
    }

    /** The stored record, or {@link Record#EMPTY}. */
    public Record read(byte[] key) {
        byte[] bytes = storage.get(key);
        return bytes == null ? Record.EMPTY : RecordCodec.decode(bytes);
    }

    /** The stored record in its binary form, or {@code null}: the replica read path needs no decode. */
    public byte[] readEncoded(byte[] key) {
        return storage.get(key);
    }

    /**
     * Coordinates a client write: takes a fresh dot of this node's actor and a timestamp above everything the record
     * has seen, applies the conflict mode's write rule and stores the result, which is returned for replication.
     */
    public Record coordinate(byte[] key, Mutation mutation) {
        return underLock(key, () -> {
            Record local = read(key);
            for (Sibling sibling : local.siblings()) {
                hlc.observe(sibling.timestamp());
            }
            Record written = versioning.write(local, mutation, identity.actor(), hlc.now(), clock.millis());
            storage.put(key, RecordCodec.encode(written));
            return written;
        });
    }

    /** Merges a replica's record into the local one; stores only if that changed anything. */
    public Record merge(byte[] key, Record incoming) {
        return underLock(key, () -> {
            Record local = read(key);
            Record merged = versioning.merge(local, incoming);
            if (!merged.equals(local)) {
                storage.put(key, RecordCodec.encode(merged));
            }
            for (Sibling sibling : incoming.siblings()) {
                hlc.observe(sibling.timestamp());
            }
            return merged;
        });
    }

    /**
     * Deletes the record if it is still dead and died before {@code purgeBeforeMillis}: the sweep's check repeated
     * under the lock, so a write that raced the sweep is never lost.
     */
    public boolean purgeIfDead(byte[] key, long purgeBeforeMillis) {
        return underLock(key, () -> {
            Record local = read(key);
            long now = clock.millis();
            if (!local.isEmpty() && local.isDeadAt(now) && local.diedAtMillis() < purgeBeforeMillis) {
                storage.delete(key);
                return true;
            }
            return false;
        });
    }

    private <T> T underLock(byte[] key, Supplier<T> action) {
        ReentrantLock lock = locks[(int) ((Murmur3.hash64(key) & Long.MAX_VALUE) % LOCK_STRIPES)];
        lock.lock();
        try {
            return action.get();
        } finally {
            lock.unlock();
        }
    }
}
