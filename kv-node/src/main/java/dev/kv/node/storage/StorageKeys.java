package dev.kv.node.storage;

import dev.kv.core.placement.TokenRange;
import dev.kv.core.ring.TokenRing;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Records are stored under {@code token(8 bytes, unsigned order) ‖ key}, so the keys of a token range are one
 * contiguous RocksDB range: anti-entropy lists a Merkle leaf's keys, and range streaming a range's records, with one
 * scan instead of a full-table filter (Project Voldemort prefixes by partition for the same reason).
 */
public final class StorageKeys {

    private StorageKeys() {
    }

    public static byte[] of(byte[] key) {
        return ByteBuffer.allocate(8 + key.length).putLong(TokenRing.tokenOf(key) ^ Long.MIN_VALUE).put(key).array();
    }

    /** The first storage key at or after a token (signed form), for range scans. */
    public static byte[] startOf(long token) {
        return ByteBuffer.allocate(8).putLong(token ^ Long.MIN_VALUE).array();
    }

    /**
     * The storage-key spans {@code [from, to)} of a token range ({@code to} null: the end of the store); a range
     * that wraps around the end of the token space is two spans, in storage order.
     */
    public static List<byte[][]> spans(TokenRange range) {
        long start = range.startExclusive();
        long end = range.endInclusive();
        if (start < end) {
            byte[] endKey = end == Long.MAX_VALUE ? null : startOf(end + 1);
            return List.<byte[][]>of(new byte[][] {startOf(start + 1), endKey});
        }
        List<byte[][]> spans = new ArrayList<>();
        spans.add(new byte[][] {startOf(Long.MIN_VALUE), end == Long.MAX_VALUE ? null : startOf(end + 1)});
        if (start != Long.MAX_VALUE && end != Long.MAX_VALUE) {
            spans.add(new byte[][] {startOf(start + 1), null});
        }
        return spans;
    }

    public static byte[] userKey(byte[] storageKey) {
        return Arrays.copyOfRange(storageKey, 8, storageKey.length);
    }

    public static long token(byte[] storageKey) {
        return ByteBuffer.wrap(storageKey, 0, 8).getLong() ^ Long.MIN_VALUE;
    }
}
