package dev.kv.core.version;

import dev.kv.core.Limits;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An immutable version vector: for each actor, the highest counter seen and when (wall-clock millis) that entry last
 * advanced. A record's vector summarises every dot the record has seen, so a dot at or below it that is not one of
 * the record's siblings has been superseded. The update time is used only to prune the least recently advanced
 * entries; it never takes part in causality.
 *
 * <p>Entries are kept sorted by actor in parallel arrays: vectors are tiny (a few entries) and compared on every
 * read, so arrays beat maps here.
 */
public final class VersionVector {

    public static final VersionVector EMPTY = new VersionVector(new String[0], new long[0], new long[0]);

    private final String[] actors;
    private final long[] counters;
    private final long[] updatedAtMillis;
    /** Whether any entry is a write's alias or mark ({@link WriteIds}). */
    private final boolean hasWriteEntries;
    /** The write ids of the alias and mark entries, sorted: coverage of a write is a search, no name is built. */
    private final long[] seenWriteIds;

    private VersionVector(String[] actors, long[] counters, long[] updatedAtMillis) {
        this.actors = actors;
        this.counters = counters;
        this.updatedAtMillis = updatedAtMillis;
        long[] writeIds = new long[actors.length];
        int count = 0;
        for (String actor : actors) {
            long writeId = WriteIds.writeIdOf(actor);
            if (writeId != WriteIds.NONE) {
                writeIds[count++] = writeId;
            }
        }
        this.hasWriteEntries = count > 0;
        this.seenWriteIds = Arrays.copyOf(writeIds, count);
        Arrays.sort(seenWriteIds);
    }

    /** One entry of the vector. */
    public record Entry(String actor, long counter, long updatedAtMillis) {
    }

    public static VersionVector of(Collection<Entry> entries) {
        TreeMap<String, Entry> sorted = new TreeMap<>();
        for (Entry entry : entries) {
            if (entry.counter() < 1) {
                throw new IllegalArgumentException("vector counters must be positive");
            }
            new Dot(entry.actor(), entry.counter()); // validates the actor
            sorted.merge(entry.actor(), entry, VersionVector::newer);
        }
        String[] actors = new String[sorted.size()];
        long[] counters = new long[sorted.size()];
        long[] updated = new long[sorted.size()];
        int i = 0;
        for (Entry entry : sorted.values()) {
            actors[i] = entry.actor();
            counters[i] = entry.counter();
            updated[i] = entry.updatedAtMillis();
            i++;
        }
        return new VersionVector(actors, counters, updated);
    }

    public int size() {
        return actors.length;
    }

    public boolean isEmpty() {
        return actors.length == 0;
    }

    public long counter(String actor) {
        int index = Arrays.binarySearch(actors, actor);
        return index >= 0 ? counters[index] : 0;
    }

    /** Whether the event {@code dot} is part of the history this vector summarises. */
    public boolean covers(Dot dot) {
        return counter(dot.actor()) >= dot.counter();
    }

    /** Whether this history includes the write {@code writeId}: its alias dot or its mark ({@link WriteIds}). */
    public boolean coversWrite(long writeId) {
        return hasWriteEntries && writeId != WriteIds.NONE && Arrays.binarySearch(seenWriteIds, writeId) >= 0;
    }

    public List<Entry> entries() {
        List<Entry> result = new ArrayList<>(actors.length);
        for (int i = 0; i < actors.length; i++) {
            result.add(new Entry(actors[i], counters[i], updatedAtMillis[i]));
        }
        return result;
    }

    public Map<String, Long> counters() {
        Map<String, Long> result = new TreeMap<>();
        for (int i = 0; i < actors.length; i++) {
            result.put(actors[i], counters[i]);
        }
        return result;
    }

    /** The least upper bound: for each actor the higher counter. Commutative, associative and idempotent. */
    public VersionVector merge(VersionVector other) {
        if (other.isEmpty() || this.equals(other)) {
            return this;
        }
        if (this.isEmpty()) {
            return other;
        }
        List<Entry> all = new ArrayList<>(size() + other.size());
        all.addAll(entries());
        all.addAll(other.entries());
        return of(all);
    }

    /** This vector with {@code dot} recorded, the entry stamped with {@code nowMillis}. */
    public VersionVector withDot(Dot dot, long nowMillis) {
        long current = counter(dot.actor());
        if (current >= dot.counter()) {
            return this;
        }
        List<Entry> all = new ArrayList<>(entries());
        all.removeIf(e -> e.actor().equals(dot.actor()));
        all.add(new Entry(dot.actor(), dot.counter(), nowMillis));
        return of(all);
    }

    public Causality compare(VersionVector other) {
        boolean thisAhead = false;
        boolean otherAhead = false;
        int i = 0;
        int j = 0;
        while (i < actors.length || j < other.actors.length) {
            int order = i == actors.length ? 1 : j == other.actors.length ? -1 : actors[i].compareTo(other.actors[j]);
            if (order < 0) {
                thisAhead = true;
                i++;
            } else if (order > 0) {
                otherAhead = true;
                j++;
            } else {
                thisAhead |= counters[i] > other.counters[j];
                otherAhead |= counters[i] < other.counters[j];
                i++;
                j++;
            }
        }
        if (thisAhead && otherAhead) {
            return Causality.CONCURRENT;
        }
        return thisAhead ? Causality.AFTER : otherAhead ? Causality.BEFORE : Causality.EQUAL;
    }

    /** Whether every event of {@code other} is in this vector's history. */
    public boolean dominatesOrEquals(VersionVector other) {
        Causality causality = compare(other);
        return causality == Causality.AFTER || causality == Causality.EQUAL;
    }

    /**
     * Drops the least recently advanced entries until at most {@code maxEntries} remain, never dropping an actor in
     * {@code keep} (the actors of live siblings, whose dots must stay covered). Marks are neither counted nor dropped
     * here ({@link #retainMarks} bounds them). Pruning loses history: a pruned actor's old versions may come back as
     * false siblings, never as lost updates. Riak bounds its clocks the same way.
     */
    public VersionVector prune(int maxEntries, Collection<String> keep) {
        return pruneOld(maxEntries, maxEntries, 0, 0, keep);
    }

    /**
     * {@link #prune} as Riak prunes: only entries that have not advanced for {@code minAgeMillis} before
     * {@code nowMillis} are dropped, unless the vector has more than {@code ceiling} entries. A recently advanced
     * actor may still have versions on their way to this replica (in hints, behind a partition), which its pruned
     * entry would let come back; an actor that stopped writing a day ago has none.
     */
    public VersionVector pruneOld(int maxEntries, int ceiling, long minAgeMillis, long nowMillis,
                                  Collection<String> keep) {
        int counted = 0;
        for (String actor : actors) {
            counted += WriteIds.isMark(actor) ? 0 : 1;
        }
        if (counted <= maxEntries) {
            return this;
        }
        List<Entry> result = new ArrayList<>(entries());
        boolean dropped = false;
        for (Entry entry : oldestFirst(entries())) {
            if (counted <= maxEntries) {
                break;
            }
            boolean old = entry.updatedAtMillis() < nowMillis - minAgeMillis;
            if ((old || counted > ceiling) && !keep.contains(entry.actor()) && !WriteIds.isMark(entry.actor())) {
                result.remove(entry);
                counted--;
                dropped = true;
            }
        }
        return dropped ? of(result) : this;
    }

    /**
     * Drops the marks ({@link WriteIds#markDot}) that are no longer needed: those stamped more than
     * {@code windowMillis} before the newest entry of this vector, and all but the {@code max} most recent. A mark
     * only has to outlive the re-attempts of its write, which end within a request's lifetime. The result depends on
     * the entries alone (the newest stamp among them, not a clock), so a merge that applies it stays commutative,
     * associative and idempotent.
     */
    public VersionVector retainMarks(long windowMillis, int max) {
        if (!hasWriteEntries) {
            return this;
        }
        long newest = Long.MIN_VALUE;
        for (long stamp : updatedAtMillis) {
            newest = Math.max(newest, stamp);
        }
        List<Entry> marks = new ArrayList<>();
        for (Entry entry : entries()) {
            if (WriteIds.isMark(entry.actor())) {
                marks.add(entry);
            }
        }
        List<Entry> dropped = new ArrayList<>();
        List<Entry> oldestFirst = oldestFirst(marks);
        for (int i = 0; i < oldestFirst.size(); i++) {
            Entry mark = oldestFirst.get(i);
            if (mark.updatedAtMillis() < newest - windowMillis || oldestFirst.size() - i > max) {
                dropped.add(mark);
            }
        }
        if (dropped.isEmpty()) {
            return this;
        }
        List<Entry> result = new ArrayList<>(entries());
        result.removeAll(dropped);
        return of(result);
    }

    private static List<Entry> oldestFirst(List<Entry> entries) {
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort((a, b) -> a.updatedAtMillis() != b.updatedAtMillis()
                ? Long.compare(a.updatedAtMillis(), b.updatedAtMillis()) : a.actor().compareTo(b.actor()));
        return sorted;
    }

    private static Entry newer(Entry a, Entry b) {
        if (a.counter() != b.counter()) {
            return a.counter() > b.counter() ? a : b;
        }
        return a.updatedAtMillis() >= b.updatedAtMillis() ? a : b;
    }

    /** Equality of causal content only: update times are bookkeeping. */
    @Override
    public boolean equals(Object o) {
        return o instanceof VersionVector other && Arrays.equals(actors, other.actors)
                && Arrays.equals(counters, other.counters);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(actors) + Arrays.hashCode(counters);
    }

    @Override
    public String toString() {
        return counters().toString();
    }

    static {
        if (Limits.CLOCK_ENTRIES_MAX < 1) {
            throw new ExceptionInInitializerError("clock limit");
        }
    }
}
