package dev.kv.core.record;

import dev.kv.core.version.VersionVector;
import dev.kv.core.version.WriteIds;

/**
 * A client's write as the coordinator receives it: the value (or a delete), its content type, an optional absolute
 * expiry, the causal context the client read before writing ({@code null} for a blind write), the id of the client
 * write ({@link WriteIds#NONE} for none) and whether an earlier coordinator attempt of the same write may have been
 * applied ({@code reattempt}: the write then takes its alias dot, see {@link WriteIds}).
 */
public record Mutation(byte[] value, String contentType, long expiresAtMillis, boolean delete,
                       VersionVector context, long writeId, boolean reattempt) {

    public Mutation {
        if (reattempt && writeId == WriteIds.NONE) {
            throw new IllegalArgumentException("a re-attempt needs the write's id");
        }
    }

    public static Mutation put(byte[] value, String contentType, long expiresAtMillis, VersionVector context) {
        return new Mutation(value, contentType, expiresAtMillis, false, context, WriteIds.NONE, false);
    }

    public static Mutation delete(VersionVector context) {
        return new Mutation(new byte[0], "", Sibling.NO_EXPIRY, true, context, WriteIds.NONE, false);
    }

    /** This mutation as attempt of the client write {@code writeId}. */
    public Mutation asWrite(long writeId, boolean reattempt) {
        return new Mutation(value, contentType, expiresAtMillis, delete, context, writeId, reattempt);
    }
}
