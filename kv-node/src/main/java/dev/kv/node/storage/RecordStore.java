package dev.kv.node.storage;

import dev.kv.core.codec.RecordCodec;
import dev.kv.core.record.Mutation;
import dev.kv.core.record.Record;
import dev.kv.core.replica.DeadlinePassedException;
import dev.kv.core.replica.ReplicaRecords;
import dev.kv.core.ring.Murmur3;
import dev.kv.node.config.NodeProperties;
import dev.kv.node.expiry.ExpiryProperties;
import org.springframework.stereotype.Component;

import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
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
    private final ReplicaRecords replica;
    private final ReentrantLock[] locks = new ReentrantLock[LOCK_STRIPES];
    private final List<RecordListener> listeners = new CopyOnWriteArrayList<>();

    public RecordStore(RocksStorage storage, NodeProperties properties, ExpiryProperties expiry, NodeIdentity identity,
                       InstantSource clock) {
        this.storage = storage;
        this.replica = new ReplicaRecords(new ReplicaRecords.Store() {
            @Override
            public Record read(byte[] key) {
                return RecordStore.this.read(key);
            }

            @Override
            public void write(byte[] key, Record before, Record after) {
                store(key, before, after);
            }
        }, properties.mode().versioning(), identity::actor, clock, expiry.tombstoneGrace().toMillis());
        for (int i = 0; i < LOCK_STRIPES; i++) {
            locks[i] = new ReentrantLock();
        }
    }

    /** The stored record, or {@link Record#EMPTY}. */
    public Record read(byte[] key) {
        byte[] bytes = storage.get(StorageKeys.of(key));
        return bytes == null ? Record.EMPTY : RecordCodec.decode(bytes);
    }

    /** The stored record in its binary form, or {@code null}: the replica read path needs no decode. */
    public byte[] readEncoded(byte[] key) {
        return storage.get(StorageKeys.of(key));
    }

    /** Observers of every change to a stored record (the Merkle trees), called under the key's lock. */
    public void addListener(RecordListener listener) {
        listeners.add(listener);
    }

    private void store(byte[] key, Record before, Record after) {
        if (after == null) {
            storage.delete(StorageKeys.of(key));
        } else {
            storage.put(StorageKeys.of(key), RecordCodec.encode(after));
        }
        for (RecordListener listener : listeners) {
            listener.changed(key, before, after == null ? Record.EMPTY : after);
        }
    }

    /** {@link #coordinate(byte[], Mutation, long)} without a deadline (tools and tests). */
    public Record coordinate(byte[] key, Mutation mutation) {
        return coordinate(key, mutation, Long.MAX_VALUE);
    }

    /**
     * Coordinates a client write under the key's lock ({@link ReplicaRecords#coordinate}).
     *
     * @throws DeadlinePassedException if {@code deadlineMillis} has passed; nothing was stored
     */
    public Record coordinate(byte[] key, Mutation mutation, long deadlineMillis) {
        return underLock(key, () -> replica.coordinate(key, mutation, deadlineMillis));
    }

    /** Merges a replica's record into the local one; stores only if that changed anything. */
    public Record merge(byte[] key, Record incoming) {
        return underLock(key, () -> replica.merge(key, incoming));
    }

    /**
     * Deletes the record if it is still dead and died before {@code purgeBeforeMillis}: the sweep's check repeated
     * under the lock, so a write that raced the sweep is never lost.
     */
    public boolean purgeIfDead(byte[] key, long purgeBeforeMillis) {
        return underLock(key, () -> replica.purgeIfDead(key, purgeBeforeMillis));
    }

    /**
     * Runs {@code action} while no record can change: every key's lock is held. For taking a view of the store and
     * starting to follow its changes at one instant (a Merkle rebuild); keep the action short.
     */
    public <T> T withAllKeysLocked(Supplier<T> action) {
        int locked = 0;
        try {
            for (; locked < LOCK_STRIPES; locked++) {
                locks[locked].lock();
            }
            return action.get();
        } finally {
            for (int i = locked - 1; i >= 0; i--) {
                locks[i].unlock();
            }
        }
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
