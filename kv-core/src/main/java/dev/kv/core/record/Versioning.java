package dev.kv.core.record;

/**
 * The two operations that define a conflict mode. {@link #merge} must be commutative, associative and idempotent,
 * so replication, hints, read repair and anti-entropy can apply it in any order and any number of times.
 */
public interface Versioning {

    /** The record that results from coordinating {@code mutation} at {@code actor} on top of {@code local}. */
    default Record write(Record local, Mutation mutation, String actor, long timestamp, long nowMillis) {
        return write(local, mutation, actor, timestamp, nowMillis, 0);
    }

    /**
     * {@link #write(Record, Mutation, String, long, long)} with the new dot's counter above {@code counterFloor}: the
     * highest counter the actor has minted for any key. A replica whose record of the key is gone (purged after its
     * grace, or its clock entry pruned) would otherwise count from where the record left off and give a new value a
     * dot it already gave an old one (found by the simulator); a stale copy of the old value would then pass for
     * the new one.
     */
    Record write(Record local, Mutation mutation, String actor, long timestamp, long nowMillis, long counterFloor);

    /** The join of two replicas' records. */
    Record merge(Record a, Record b);
}
