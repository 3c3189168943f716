package dev.kv.core.replica;

import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Decides when a dead record past its grace may really be purged: only once every other replica of its range has
 * completed a Merkle exchange with this node that started after this node was seen holding the record. That exchange
 * moved the tombstone (or something newer) to the peer, so no replica is left with the older value it deleted, and
 * no later exchange can bring that value back (Cassandra purges only repaired tombstones for the same reason).
 *
 * <p>The clock alone is not enough: a replica that missed the delete and whose exchanges keep failing (it crashes,
 * or is partitioned, for longer than the grace) still holds the old value when the others purge, and the next
 * exchange hands it back to them. The grace still applies on top: it bounds how late a hint or a slow coordinator's
 * write may arrive.
 *
 * <p>Exchanges are ordered by a ticket drawn when they start, not by time, so a clock that jumps backwards cannot
 * make an exchange that started before a sighting look as if it started after it. Sightings are kept in memory (a
 * restart forgets them, which only delays purges) and at most {@code maxSightings} at once; a record not tracked for
 * lack of room is tracked on a later pass.
 *
 * <p>Exchanges may be recorded from any thread; {@link #cleared} and {@link #passFinished} belong to one sweeper.
 */
public final class PurgeClearance {

    private final AtomicLong tickets = new AtomicLong();
    /** The start ticket of the last exchange that completed, by range and peer. */
    private final Map<Exchange, Long> completed = new ConcurrentHashMap<>();
    /** The ticket current when each purge candidate was first seen. */
    private final Map<ByteBuffer, Long> sightings = new HashMap<>();
    /** Candidates seen during the current pass; the others are no longer candidates (rewritten or purged). */
    private final Set<ByteBuffer> seenThisPass = new HashSet<>();
    private final int maxSightings;

    private record Exchange(String range, String peer) {
    }

    public PurgeClearance(int maxSightings) {
        if (maxSightings < 1) {
            throw new IllegalArgumentException("maxSightings must be positive, was " + maxSightings);
        }
        this.maxSightings = maxSightings;
    }

    /** Marks the start of an exchange; pass the ticket to {@link #exchangeCompleted} if it completes. */
    public long exchangeStarted() {
        return tickets.incrementAndGet();
    }

    /**
     * Records an exchange of {@code range} with {@code peer} that compared every leaf and moved every record that
     * differed, both ways. A failed or partial exchange must not be recorded.
     */
    public void exchangeCompleted(String range, String peer, long ticket) {
        completed.merge(new Exchange(range, peer), ticket, Math::max);
    }

    /**
     * Whether a purge candidate (dead, past its grace) may be purged now. The first call for a key records the
     * sighting and answers false unless the range has no other replica.
     *
     * @param key   the record's key
     * @param range the range the key belongs to now
     * @param peers the range's other replicas
     */
    public boolean cleared(byte[] key, String range, Collection<String> peers) {
        if (peers.isEmpty()) {
            return true;
        }
        ByteBuffer id = ByteBuffer.wrap(key.clone());
        Long seen = sightings.get(id);
        if (seen == null) {
            if (sightings.size() < maxSightings) {
                sightings.put(id, tickets.get());
                seenThisPass.add(id);
            }
            return false;
        }
        seenThisPass.add(id);
        for (String peer : peers) {
            Long done = completed.get(new Exchange(range, peer));
            if (done == null || done <= seen) {
                return false;
            }
        }
        sightings.remove(id);
        seenThisPass.remove(id);
        return true;
    }

    /** Forgets the sightings of records that were not candidates during the pass that just ended. */
    public void passFinished() {
        sightings.keySet().retainAll(seenThisPass);
        seenThisPass.clear();
    }

    /** Purge candidates waiting for their exchanges. */
    public int waiting() {
        return sightings.size();
    }
}
