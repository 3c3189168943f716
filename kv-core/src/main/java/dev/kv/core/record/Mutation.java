package dev.kv.core.record;

import dev.kv.core.version.VersionVector;

/**
 * A client's write as the coordinator receives it: the value (or a delete), its content type, an optional absolute
 * expiry, and the causal context the client read before writing ({@code null} for a blind write).
 */
public record Mutation(byte[] value, String contentType, long expiresAtMillis, boolean delete,
                       VersionVector context) {

    public static Mutation put(byte[] value, String contentType, long expiresAtMillis, VersionVector context) {
        return new Mutation(value, contentType, expiresAtMillis, false, context);
    }

    public static Mutation delete(VersionVector context) {
        return new Mutation(new byte[0], "", Sibling.NO_EXPIRY, true, context);
    }
}
