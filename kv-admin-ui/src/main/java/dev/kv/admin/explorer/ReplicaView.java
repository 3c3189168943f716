package dev.kv.admin.explorer;

import dev.kv.core.merkle.RecordDigest;
import dev.kv.core.record.Record;
import dev.kv.core.record.Sibling;
import dev.kv.core.version.HybridLogicalClock;
import dev.kv.core.version.VersionVector;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;

/**
 * One replica's own version of a key, as the key explorer shows it beside the others.
 *
 * @param node     the replica
 * @param state    {@code holds}, {@code missing} (no record) or {@code unreachable}
 * @param digest   the version digest anti-entropy compares (hex); replicas agree exactly when these are equal
 * @param clock    the record's version vector
 * @param siblings its versions (live, expired or tombstones)
 * @param error    why it could not be read
 */
record ReplicaView(String node, String state, String digest, List<ClockEntry> clock, List<SiblingView> siblings,
                   String error) {

    /** One entry of a version vector. */
    record ClockEntry(String actor, long counter) {
    }

    /**
     * One sibling.
     *
     * @param dot         the write that made it ({@code actor/counter})
     * @param tombstone   a delete
     * @param expiresAt   epoch millis, 0 for none
     * @param writtenAt   epoch millis of its hybrid-logical timestamp
     * @param contentType as written
     * @param text        the value as UTF-8 text, or null when it is not text
     * @param hex         the first 64 bytes in hex
     * @param size        the value's length in bytes
     */
    record SiblingView(String dot, boolean tombstone, long expiresAt, long writtenAt, String contentType, String text,
                       String hex, int size) {
    }

    static ReplicaView of(String node, byte[] key, Record record) {
        if (record.isEmpty() && record.clock().isEmpty()) {
            return new ReplicaView(node, "missing", null, List.of(), List.of(), null);
        }
        List<ClockEntry> clock = record.clock().entries().stream()
                .map((VersionVector.Entry e) -> new ClockEntry(e.actor(), e.counter())).toList();
        List<SiblingView> siblings = record.siblings().stream().map(ReplicaView::sibling).toList();
        return new ReplicaView(node, "holds", Long.toHexString(RecordDigest.of(key, record)), clock, siblings, null);
    }

    static ReplicaView unreachable(String node, String error) {
        return new ReplicaView(node, "unreachable", null, List.of(), List.of(), error);
    }

    private static SiblingView sibling(Sibling sibling) {
        byte[] value = sibling.value() == null ? new byte[0] : sibling.value();
        return new SiblingView(sibling.dot().toString(), sibling.tombstone(), sibling.expiresAtMillis(),
                HybridLogicalClock.physicalMillis(sibling.timestamp()), sibling.contentType(), text(value),
                HexFormat.of().formatHex(value, 0, Math.min(64, value.length)), value.length);
    }

    private static String text(byte[] value) {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(value)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
