package dev.kv.core.placement;

/**
 * A range of ring tokens {@code (startExclusive, endInclusive]}, wrapping around the end of the token space when
 * {@code startExclusive >= endInclusive} (the range before the first token). Tokens compare as signed longs, as the
 * ring orders them.
 */
public record TokenRange(long startExclusive, long endInclusive) {

    public boolean contains(long token) {
        if (startExclusive < endInclusive) {
            return token > startExclusive && token <= endInclusive;
        }
        return token > startExclusive || token <= endInclusive;
    }
}
