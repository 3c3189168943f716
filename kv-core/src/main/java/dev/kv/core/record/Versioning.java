package dev.kv.core.record;

/**
 * The two operations that define a conflict mode. {@link #merge} must be commutative, associative and idempotent,
 * so replication, hints, read repair and anti-entropy can apply it in any order and any number of times.
 */
public interface Versioning {

    /** The record that results from coordinating {@code mutation} at {@code actor} on top of {@code local}. */
    Record write(Record local, Mutation mutation, String actor, long timestamp, long nowMillis);

    /** The join of two replicas' records. */
    Record merge(Record a, Record b);
}
