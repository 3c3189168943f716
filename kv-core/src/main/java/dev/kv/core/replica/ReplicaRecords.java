package dev.kv.core.replica;

import dev.kv.core.record.Mutation;
import dev.kv.core.record.Record;
import dev.kv.core.record.Sibling;
import dev.kv.core.record.Versioning;
import dev.kv.core.version.HybridLogicalClock;
import dev.kv.core.write.CoordinatorLease;

import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * What a replica decides when a record changes: coordinating a client write, merging a replica's record, purging a
 * dead one. The store underneath (RocksDB on a node, a simulated disk in the simulator) and the per-key locking are
 * the caller's; every method here runs under the key's lock.
 */
public final class ReplicaRecords {

    /** A replica's records by key. */
    public interface Store {
        /** The stored record, or {@link Record#EMPTY}. */
        Record read(byte[] key);

        /** Replaces {@code before} by {@code after}; {@code after == null} removes the key. */
        void write(byte[] key, Record before, Record after);
    }

    private final Store store;
    private final Versioning versioning;
    private final Supplier<String> actor;
    private final HybridLogicalClock hlc;
    private final InstantSource clock;
    private final long tombstoneGraceMillis;
    /** The highest dot counter this replica's actor has minted, for any key: the next one is always above it. */
    private final AtomicLong minted = new AtomicLong();

    /**
     * @param actor                the actor this replica's dots are minted for: new at every start, so that a replica
     *                             whose disk lost writes never hands out a dot twice (Riak's kv679)
     * @param tombstoneGraceMillis how long a dead record is kept before it may be purged
     */
    public ReplicaRecords(Store store, Versioning versioning, Supplier<String> actor, InstantSource clock,
                          long tombstoneGraceMillis) {
        this.store = store;
        this.versioning = versioning;
        this.actor = actor;
        this.clock = clock;
        this.tombstoneGraceMillis = tombstoneGraceMillis;
        this.hlc = new HybridLogicalClock(clock);
    }

    /**
     * Coordinates a client write: takes a fresh dot of this replica's actor (or the write's alias dot for a
     * re-attempt) and a timestamp above everything the record has seen, applies the conflict mode's write rule and
     * stores the result, which is returned for replication. A write the record already holds is not applied again.
     * The deadline is checked on this replica's clock right before the version is minted.
     *
     * @throws DeadlinePassedException if {@code deadlineMillis} has passed; nothing was stored
     */
    public Record coordinate(byte[] key, Mutation mutation, long deadlineMillis) {
        long now = clock.millis();
        if (!CoordinatorLease.mayApply(deadlineMillis, now)) {
            throw new DeadlinePassedException(deadlineMillis, now);
        }
        Record local = store.read(key);
        for (Sibling sibling : local.siblings()) {
            hlc.observe(sibling.timestamp());
        }
        String writer = actor.get();
        Record written = versioning.write(local, mutation, writer, hlc.now(), clock.millis(), minted.get());
        if (written != local) {
            minted.accumulateAndGet(written.clock().counter(writer), Math::max);
            store.write(key, local, written);
        }
        return written;
    }

    /**
     * Merges a replica's record into the local one; stores only if that changed anything. A dead record past its grace
     * period is not taken in where the key is absent: it may already have been purged here, and taking it back from
     * a replica that has not purged it yet only makes the two trade it back and forth until both have.
     */
    public Record merge(byte[] key, Record incoming) {
        Record local = store.read(key);
        long now = clock.millis();
        if (local.isEmpty() && local.clock().isEmpty()
                && isPurgeable(incoming, now, now - tombstoneGraceMillis)) {
            return local;
        }
        Record merged = versioning.merge(local, incoming);
        if (!merged.equals(local)) {
            store.write(key, local, merged);
        }
        for (Sibling sibling : incoming.siblings()) {
            hlc.observe(sibling.timestamp());
        }
        return merged;
    }

    /**
     * Deletes the record if it is dead and died before {@code purgeBeforeMillis}; a write that came in since the
     * caller chose the key is kept.
     */
    public boolean purgeIfDead(byte[] key, long purgeBeforeMillis) {
        Record local = store.read(key);
        if (isPurgeable(local, clock.millis(), purgeBeforeMillis)) {
            store.write(key, local, null);
            return true;
        }
        return false;
    }

    /** Whether a record may be purged: every sibling is dead and the last died before {@code purgeBeforeMillis}. */
    public static boolean isPurgeable(Record record, long nowMillis, long purgeBeforeMillis) {
        return !record.isEmpty() && record.isDeadAt(nowMillis) && record.diedAtMillis() < purgeBeforeMillis;
    }
}
