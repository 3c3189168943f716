package dev.kv.core.record;

import dev.kv.core.version.Dot;
import dev.kv.core.version.VersionVector;
import dev.kv.core.version.WriteIds;

import java.util.Arrays;
import java.util.Objects;

/**
 * One version of a key's value: the bytes and content type written, the dot of the write that created it, its hybrid
 * logical timestamp, an optional absolute expiry ({@code 0} for none), whether it is a tombstone (a delete), and the
 * id of the client write that made it ({@link WriteIds#NONE} for none), which every coordinator attempt of one client
 * write shares.
 */
public record Sibling(Dot dot, long timestamp, long expiresAtMillis, boolean tombstone, String contentType,
                      byte[] value, long writeId) {

    public static final long NO_EXPIRY = 0;

    /** A version without a write id. */
    public Sibling(Dot dot, long timestamp, long expiresAtMillis, boolean tombstone, String contentType,
                   byte[] value) {
        this(dot, timestamp, expiresAtMillis, tombstone, contentType, value, WriteIds.NONE);
    }

    public Sibling {
        Objects.requireNonNull(dot, "dot");
        contentType = contentType == null ? "" : contentType;
        value = value == null ? new byte[0] : value;
        if (tombstone && value.length > 0) {
            throw new IllegalArgumentException("a tombstone carries no value");
        }
        if (expiresAtMillis < 0) {
            throw new IllegalArgumentException("expiry must not be negative");
        }
    }

    /**
     * Whether a record or context with {@code clock} has seen this version: its own dot, or (for a version of a client
     * write that another coordinator may also have applied) the write's alias dot.
     */
    public boolean coveredBy(VersionVector clock) {
        return clock.covers(dot) || clock.coversWrite(writeId);
    }

    public boolean hasExpiry() {
        return expiresAtMillis != NO_EXPIRY;
    }

    public boolean isExpiredAt(long nowMillis) {
        return hasExpiry() && expiresAtMillis <= nowMillis;
    }

    /** Deleted or expired: reads treat it as absent, merges as a tombstone that still dominates older versions. */
    public boolean isDeadAt(long nowMillis) {
        return tombstone || isExpiredAt(nowMillis);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Sibling other && dot.equals(other.dot) && timestamp == other.timestamp
                && expiresAtMillis == other.expiresAtMillis && tombstone == other.tombstone
                && contentType.equals(other.contentType) && Arrays.equals(value, other.value)
                && writeId == other.writeId;
    }

    @Override
    public int hashCode() {
        return Objects.hash(dot, timestamp, expiresAtMillis, tombstone, contentType, writeId) * 31
                + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return "Sibling[" + dot + ", ts=" + timestamp + (tombstone ? ", tombstone" : ", " + value.length + " B")
                + (hasExpiry() ? ", expires=" + expiresAtMillis : "")
                + (writeId != WriteIds.NONE ? ", write " + WriteIds.format(writeId) : "") + "]";
    }
}
