package dev.kv.core.merkle;

import dev.kv.core.record.Record;
import dev.kv.core.record.Sibling;
import dev.kv.core.ring.Murmur3;
import dev.kv.core.version.VersionVector;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The 64-bit digest of a key's version as anti-entropy compares it: the key, the clock's counters and the siblings'
 * dots, flags and expiries, so two replicas agree exactly when they hold the same causal version. Bookkeeping that
 * may differ between replicas of the same version (clock entries' update times) is left out. {@code 0} means absent.
 */
public final class RecordDigest {

    private RecordDigest() {
    }

    public static long of(byte[] key, Record record) {
        if (record.isEmpty() && record.clock().isEmpty()) {
            return 0;
        }
        // Sized for the usual actors and dots, so the builder does not grow (a third of the digest's cost).
        StringBuilder text = new StringBuilder(16 + 32 * record.clock().size() + 48 * record.siblings().size());
        for (VersionVector.Entry entry : record.clock().entries()) {
            text.append(entry.actor()).append('=').append(entry.counter()).append(',');
        }
        text.append('|');
        for (Sibling sibling : record.siblings()) {
            text.append(sibling.dot()).append(sibling.tombstone() ? 'T' : 'V').append(sibling.expiresAtMillis())
                    .append(',');
        }
        byte[] version = text.toString().getBytes(StandardCharsets.UTF_8);
        byte[] all = ByteBuffer.allocate(4 + key.length + version.length).putInt(key.length).put(key).put(version)
                .array();
        long digest = Murmur3.hash64(all);
        return digest == 0 ? 1 : digest;
    }
}
