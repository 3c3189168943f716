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
 * versions of that one write collapse into the re-attempt's, and a context that superseded either supersedes both.
 * A coordinator never applies a client write that its record already holds (a retried or re-attempted write).
 * Records always travel whole (replication, hints, repair and anti-entropy ship the full record), which keeps each
 * clock a faithful summary of the dots behind it.
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
    public Record write(Record local, Mutation mutation, String actor, long timestamp, long nowMillis) {
        if (local.holdsWrite(mutation.writeId())) {
            return local;
        }
        VersionVector context = mutation.context() != null ? mutation.context() : local.clock();
        Dot dot = mutation.reattempt() ? WriteIds.aliasDot(mutation.writeId())
                : new Dot(actor, Math.max(local.clock().counter(actor), context.counter(actor)) + 1);
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
        VersionVector clock = local.clock().merge(context).withDot(dot, nowMillis)
                .prune(Limits.CLOCK_ENTRIES_MAX, siblingActors);
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
            } else if (!s.coveredBy(b.clock())) {
                kept.put(s.dot(), s);
            }
        }
        for (Sibling t : b.siblings()) {
            if (!kept.containsKey(t.dot()) && !t.coveredBy(a.clock())) {
                kept.put(t.dot(), t);
            }
        }
        return new Record(a.clock().merge(b.clock()), new ArrayList<>(kept.values()));
    }
}
