package dev.kv.core.record;

import dev.kv.core.version.Dot;
import dev.kv.core.version.VersionVector;
import dev.kv.core.version.WriteIds;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Everything a replica stores for one key: the version vector summarising every write the record has seen, and the
 * siblings still standing (sorted by dot, so equal records are equal objects). Invariant: every sibling's dot is
 * covered by the vector. Immutable.
 */
public record Record(VersionVector clock, List<Sibling> siblings) {

    public static final Record EMPTY = new Record(VersionVector.EMPTY, List.of());

    private static final Comparator<Sibling> BY_DOT = Comparator.comparing(Sibling::dot);

    public Record {
        List<Sibling> sorted = new ArrayList<>(siblings);
        sorted.sort(BY_DOT);
        for (int i = 0; i < sorted.size(); i++) {
            Dot dot = sorted.get(i).dot();
            if (!clock.covers(dot)) {
                throw new IllegalArgumentException("sibling " + dot + " is not covered by the clock " + clock);
            }
            if (i > 0 && sorted.get(i - 1).dot().equals(dot)) {
                throw new IllegalArgumentException("duplicate sibling " + dot);
            }
        }
        siblings = List.copyOf(sorted);
    }

    public boolean isEmpty() {
        return siblings.isEmpty();
    }

    /** The siblings a read shows: neither deleted nor expired at {@code nowMillis}. */
    public List<Sibling> liveSiblings(long nowMillis) {
        List<Sibling> live = new ArrayList<>(siblings.size());
        for (Sibling sibling : siblings) {
            if (!sibling.isDeadAt(nowMillis)) {
                live.add(sibling);
            }
        }
        return live;
    }

    /** Whether every sibling is a tombstone or expired, so the key reads as absent. */
    public boolean isDeadAt(long nowMillis) {
        return liveSiblings(nowMillis).isEmpty();
    }

    /**
     * The latest moment that decides when a dead record may be purged: the newest tombstone's wall-clock time or the
     * latest expiry. Only meaningful when {@link #isDeadAt} holds.
     */
    public long diedAtMillis() {
        long latest = 0;
        for (Sibling sibling : siblings) {
            long died = sibling.tombstone()
                    ? dev.kv.core.version.HybridLogicalClock.physicalMillis(sibling.timestamp())
                    : sibling.expiresAtMillis();
            latest = Math.max(latest, died);
        }
        return latest;
    }

    /**
     * Whether the client write {@code writeId} is already part of this record: one of its versions stands here, or
     * the clock has seen its alias dot. A coordinator then applies it no second time.
     */
    public boolean holdsWrite(long writeId) {
        if (writeId == WriteIds.NONE) {
            return false;
        }
        for (Sibling sibling : siblings) {
            if (sibling.writeId() == writeId) {
                return true;
            }
        }
        return clock.coversWrite(writeId);
    }

    /** Two replicas hold the same version when they have seen the same history and keep the same siblings. */
    public boolean sameVersionAs(Record other) {
        if (!clock.equals(other.clock) || siblings.size() != other.siblings.size()) {
            return false;
        }
        for (int i = 0; i < siblings.size(); i++) {
            if (!siblings.get(i).dot().equals(other.siblings.get(i).dot())) {
                return false;
            }
        }
        return true;
    }
}
