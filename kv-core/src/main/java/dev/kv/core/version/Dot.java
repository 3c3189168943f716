package dev.kv.core.version;

import dev.kv.core.Limits;

import java.nio.charset.StandardCharsets;

/**
 * One event of one actor: the {@code counter}-th write that {@code actor} coordinated for a key. Every sibling
 * carries the dot of the write that created it. Actors are "node id:generation", so a node whose data was wiped
 * starts a new actor and can never hand out a dot it already gave to a different value (riak_test kv679).
 */
public record Dot(String actor, long counter) implements Comparable<Dot> {

    public Dot {
        if (actor == null || actor.isEmpty()
                || actor.getBytes(StandardCharsets.UTF_8).length > Limits.ACTOR_BYTES_MAX) {
            throw new IllegalArgumentException("actor must be 1.." + Limits.ACTOR_BYTES_MAX + " bytes");
        }
        if (counter < 1) {
            throw new IllegalArgumentException("dot counter must be positive, was " + counter);
        }
    }

    @Override
    public int compareTo(Dot other) {
        int byActor = actor.compareTo(other.actor);
        return byActor != 0 ? byActor : Long.compare(counter, other.counter);
    }

    @Override
    public String toString() {
        return actor + "/" + counter;
    }
}
