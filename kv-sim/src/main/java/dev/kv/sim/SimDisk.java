package dev.kv.sim;

import dev.kv.core.placement.Topology;
import dev.kv.core.record.Record;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * A node's disk: records and hints by key. With {@code syncWrites} every write is durable at once (RocksDB with a
 * synced WAL); without, writes sit in an unsynced layer until the next background sync, and a power loss drops that
 * layer (a process crash does not: the operating system still holds it). A wipe loses everything.
 */
final class SimDisk {

    /** A hint held for {@code target}. */
    record Hint(long sequence, String target, String key, Record record, long storedAtMillis) {
    }

    /**
     * What kv-node keeps in its meta column family, written with a synced write whatever {@code syncWrites} says:
     * the topology, and the streaming checkpoint (the transfers of {@code streamedVersion} merged).
     */
    record Meta(Topology topology, String streamedVersion, Set<Integer> streamed) {
        static final Meta NONE = new Meta(null, "", Set.of());
    }

    private final boolean syncWrites;
    private Meta meta = Meta.NONE;
    private final TreeMap<String, Record> records = new TreeMap<>();
    private final Map<String, Optional<Record>> unsyncedRecords = new LinkedHashMap<>();
    private final TreeMap<Long, Hint> hints = new TreeMap<>();
    private final Map<Long, Optional<Hint>> unsyncedHints = new LinkedHashMap<>();

    SimDisk(boolean syncWrites) {
        this.syncWrites = syncWrites;
    }

    Record read(String key) {
        Optional<Record> unsynced = unsyncedRecords.get(key);
        if (unsynced != null) {
            return unsynced.orElse(Record.EMPTY);
        }
        return records.getOrDefault(key, Record.EMPTY);
    }

    void write(String key, Record record) {
        if (syncWrites) {
            put(records, key, Optional.ofNullable(record));
        } else {
            unsyncedRecords.put(key, Optional.ofNullable(record));
        }
    }

    /** Every key with a record, in key order. */
    Map<String, Record> records() {
        TreeMap<String, Record> all = new TreeMap<>(records);
        unsyncedRecords.forEach((key, record) -> put(all, key, record));
        return all;
    }

    void putHint(Hint hint) {
        if (syncWrites) {
            put(hints, hint.sequence(), Optional.of(hint));
        } else {
            unsyncedHints.put(hint.sequence(), Optional.of(hint));
        }
    }

    void removeHint(long sequence) {
        if (syncWrites) {
            hints.remove(sequence);
        } else {
            unsyncedHints.put(sequence, Optional.empty());
        }
    }

    /** Every hint, oldest first. */
    Map<Long, Hint> hints() {
        TreeMap<Long, Hint> all = new TreeMap<>(hints);
        unsyncedHints.forEach((sequence, hint) -> put(all, sequence, hint));
        return all;
    }

    /** The background sync: what was written so far survives a power loss. */
    void sync() {
        unsyncedRecords.forEach((key, record) -> put(records, key, record));
        unsyncedRecords.clear();
        unsyncedHints.forEach((sequence, hint) -> put(hints, sequence, hint));
        unsyncedHints.clear();
    }

    /** Power loss: what was not synced is gone. */
    void loseUnsynced() {
        unsyncedRecords.clear();
        unsyncedHints.clear();
    }

    Meta meta() {
        return meta;
    }

    void meta(Meta stored) {
        this.meta = stored;
    }

    void wipe() {
        loseUnsynced();
        meta = Meta.NONE;
        records.clear();
        hints.clear();
    }

    boolean hasUnsynced() {
        return !unsyncedRecords.isEmpty() || !unsyncedHints.isEmpty();
    }

    private static <K, V> void put(Map<K, V> map, K key, Optional<V> value) {
        if (value.isPresent()) {
            map.put(key, value.get());
        } else {
            map.remove(key);
        }
    }
}
