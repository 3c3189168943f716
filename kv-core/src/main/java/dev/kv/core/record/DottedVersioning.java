package dev.kv.core.record;

import dev.kv.core.Limits;
import dev.kv.core.version.Dot;
import dev.kv.core.version.VersionVector;
import dev.kv.core.version.WriteIds;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Dotted version vectors in the "causal context plus dotted siblings" form Riak 2.0 adopted (Preguiça et al.;
 * Almeida et al., "Scalable and Accurate Causality Tracking for Eventually Consistent Stores").
 *
 * <p>A coordinator write with context C takes a fresh dot above every counter of its own actor that the record or C
 * has seen, drops the local siblings C covers and keeps the rest. So two writes carrying the same context both
 * survive as siblings even when the same coordinator takes both, which plain per-node vector clocks get wrong. A
 * write without a context uses the record's own clock as its context: it supersedes what the coordinator holds.
 *
 * <p>A merge keeps a sibling when both sides hold it or when the other side's clock has not seen it; anything else was
 * superseded on the other side. "Seen" includes the alias dot of the sibling's client write ({@link WriteIds}): when
 * a gateway re-attempted a write on another coordinator because the first attempt's answer never came, the two
 * versions of that one write collapse into the re-attempt's, and a context that superseded either supersedes both (the
 * first version marks the write in the clock for that; the marks of writes older than
 * {@link Limits#WRITE_MARK_WINDOW_MILLIS}, long past their re-attempts, are dropped). A coordinator never applies a
 * client write that its record already holds (a retried or re-attempted write). Records always travel whole
 * (replication, hints, repair and anti-entropy ship the full record), which keeps each clock a faithful summary of the
 * dots behind it.
 */
public final class DottedVersioning implements Versioning {

    static final DottedVersioning INSTANCE = new DottedVersioning();

    /** A total order on siblings with the same dot, which only a corrupted or re-used actor can produce. */
    private static final Comparator<Sibling> TIE_BREAK = Comparator.comparingLong(Sibling::timestamp)
            .thenComparingLong(Sibling::expiresAtMillis)
            .thenComparing(Sibling::tombstone)
            .thenComparing(Sibling::contentType)
            .thenComparing(Sibling::value, Arrays::compare)
            .thenComparingLong(Sibling::writeId);

    private DottedVersioning() {
    }

    @Override
    public Record write(Record local, Mutation mutation, String actor, long timestamp, long nowMillis,
                        long counterFloor) {
        if (local.holdsWrite(mutation.writeId())) {
            return local;
        }
        VersionVector context = mutation.context() != null ? mutation.context() : local.clock();
        Dot dot = mutation.reattempt() ? WriteIds.aliasDot(mutation.writeId())
                : new Dot(actor, Math.max(counterFloor, Math.max(local.clock().counter(actor),
                context.counter(actor))) + 1);
        List<Sibling> siblings = new ArrayList<>();
        for (Sibling sibling : local.siblings()) {
            if (!sibling.coveredBy(context)) {
                siblings.add(sibling);
            }
        }
        siblings.add(new Sibling(dot, timestamp, mutation.expiresAtMillis(), mutation.delete(),
                mutation.contentType(), mutation.value(), mutation.writeId()));
        if (siblings.size() > Limits.SIBLINGS_MAX) {
            throw new TooManySiblingsException(siblings.size(), Limits.SIBLINGS_MAX);
        }
        Set<String> siblingActors = new HashSet<>();
        siblings.forEach(s -> siblingActors.add(s.dot().actor()));
        VersionVector clock = local.clock().merge(context).withDot(dot, nowMillis);
        if (mutation.writeId() != WriteIds.NONE && !mutation.reattempt()) {
            // The first version of a client write also marks the write as seen. A re-attempt of the write on another
            // coordinator (the first answer was lost) takes the alias dot, so a context that saw this version covers
            // the re-attempt too: a delete or overwrite of this version is not undone by a twin applied after it
            // (found by the simulator: a deleted value came back).
            clock = clock.withDot(WriteIds.markDot(mutation.writeId()), nowMillis);
        }
        clock = retained(clock.pruneOld(Limits.CLOCK_ENTRIES_MAX, Limits.CLOCK_ENTRIES_CEILING,
                Limits.CLOCK_PRUNE_MIN_AGE_MILLIS, nowMillis, siblingActors));
        return new Record(clock, siblings);
    }

    @Override
    public Record merge(Record a, Record b) {
        if (a.sameVersionAs(b) && a.equals(b)) {
            return a;
        }
        Map<Dot, Sibling> kept = new HashMap<>();
        Map<Dot, Sibling> inB = new HashMap<>();
        b.siblings().forEach(s -> inB.put(s.dot(), s));
        for (Sibling s : a.siblings()) {
            Sibling same = inB.get(s.dot());
            if (same != null) {
                kept.put(s.dot(), TIE_BREAK.compare(s, same) >= 0 ? s : same);
            } else if (!supersededBy(s, b)) {
                kept.put(s.dot(), s);
            }
        }
        for (Sibling t : b.siblings()) {
            if (!kept.containsKey(t.dot()) && !supersededBy(t, a)) {
                kept.put(t.dot(), t);
            }
        }
        return new Record(retained(a.clock().merge(b.clock())), new ArrayList<>(kept.values()));
    }

    private static VersionVector retained(VersionVector clock) {
        return clock.retainMarks(Limits.WRITE_MARK_WINDOW_MILLIS, Limits.WRITE_MARKS_MAX);
    }

    /**
     * Whether {@code other} has superseded {@code sibling}, which it does not hold: its clock has seen the sibling and
     * it keeps no other version of the sibling's client write. When it does keep one, the two are twins of one write
     * (its first version and a re-attempt's) and collapse into the re-attempt's, whichever side holds which: the first
     * version's alias mark must not make the twins supersede each other.
     */
    private static boolean supersededBy(Sibling sibling, Record other) {
        if (sibling.writeId() != WriteIds.NONE) {
            for (Sibling twin : other.siblings()) {
                if (twin.writeId() == sibling.writeId()) {
                    return WriteIds.isAlias(twin.dot().actor()) && !WriteIds.isAlias(sibling.dot().actor());
                }
            }
        }
        return sibling.coveredBy(other.clock());
    }
}
