package dev.kv.core.record;

import dev.kv.core.version.Dot;

import java.util.Arrays;
import java.util.Objects;

/**
 * One version of a key's value: the bytes and content type written, the dot of the write that created it, its hybrid
 * logical timestamp, an optional absolute expiry ({@code 0} for none) and whether it is a tombstone (a delete).
 */
public record Sibling(Dot dot, long timestamp, long expiresAtMillis, boolean tombstone, String contentType,
                      byte[] value) {

    public static final long NO_EXPIRY = 0;

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
                && contentType.equals(other.contentType) && Arrays.equals(value, other.value);
    }

    @Override
    public int hashCode() {
        return Objects.hash(dot, timestamp, expiresAtMillis, tombstone, contentType) * 31 + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return "Sibling[" + dot + ", ts=" + timestamp + (tombstone ? ", tombstone" : ", " + value.length + " B")
                + (hasExpiry() ? ", expires=" + expiresAtMillis : "") + "]";
    }
}
