package dev.kv.node.streaming;

import dev.kv.core.codec.RecordCodec;
import dev.kv.core.merkle.KeyDigest;
import dev.kv.core.merkle.RecordDigest;
import dev.kv.core.placement.TokenRange;
import dev.kv.node.storage.RocksStorage;
import dev.kv.node.storage.StorageKeys;

import java.util.Arrays;
import java.util.List;

/**
 * Reads a group of token ranges in order, as one stream of records, from a cursor on: what a source sends of a group
 * (records or digests) and what the receiver already holds of it are read the same way, so their cursors agree.
 */
final class RangeGroupScan {

    /** Decides about one record: answers the bytes it adds to the answer, or -1 to skip it (still passed over). */
    @FunctionalInterface
    interface Visitor {
        int take(byte[] userKey, byte[] storedValue);
    }

    /** Every digest costs its key plus about this many bytes on the wire. */
    static final int DIGEST_OVERHEAD = 12;

    private RangeGroupScan() {
    }

    /** The digest of a record as stored (its version; see {@link RecordDigest}). */
    static KeyDigest digestOf(byte[] userKey, byte[] storedValue) {
        return new KeyDigest(userKey, RecordDigest.of(userKey, RecordCodec.decode(storedValue)));
    }

    /**
     * Visits the group's records after {@code from} until {@code to} (inclusive), or until the bytes taken reach about
     * {@code budget} or {@code countMax} records were taken; answers the cursor to continue from, or null when the
     * group or {@code to} is reached.
     */
    static StreamCursor scan(RocksStorage storage, List<long[]> ranges, StreamCursor from, StreamCursor to,
                             long budget, int countMax, Visitor visitor) {
        long[] taken = {0};
        int[] count = {0};
        StreamCursor[] last = {null};
        boolean[] full = {false};
        boolean[] reachedEnd = {false};
        for (int index = from.range(); index < ranges.size(); index++) {
            if (to != null && index > to.range()) {
                return null;
            }
            long[] range = ranges.get(index);
            int rangeIndex = index;
            for (byte[][] span : StorageKeys.spans(new TokenRange(range[0], range[1]))) {
                byte[] start = span[0];
                if (rangeIndex == from.range() && from.key() != null) {
                    if (span[1] != null && Arrays.compareUnsigned(from.key(), span[1]) >= 0) {
                        continue;
                    }
                    if (Arrays.compareUnsigned(from.key(), start) >= 0) {
                        start = Arrays.copyOf(from.key(), from.key().length + 1);
                    }
                }
                storage.forEachInRange(start, span[1], (storageKey, value) -> {
                    if (to != null && to.isBefore(rangeIndex, storageKey)) {
                        reachedEnd[0] = true;
                        return false;
                    }
                    if (taken[0] >= budget || count[0] >= countMax) {
                        full[0] = true;
                        return false;
                    }
                    int bytes = visitor.take(StorageKeys.userKey(storageKey), value);
                    if (bytes >= 0) {
                        taken[0] += bytes;
                        count[0]++;
                    }
                    last[0] = new StreamCursor(rangeIndex, storageKey);
                    return true;
                });
                if (reachedEnd[0]) {
                    return null;
                }
                if (full[0]) {
                    return last[0];
                }
            }
        }
        return null;
    }
}
