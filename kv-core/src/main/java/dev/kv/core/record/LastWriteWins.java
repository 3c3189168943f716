package dev.kv.core.record;

import dev.kv.core.Limits;
import dev.kv.core.version.Dot;
import dev.kv.core.version.VersionVector;

import java.util.Comparator;
import java.util.List;

/**
 * Last write wins: a record holds one version, the one with the highest hybrid logical timestamp; ties (which need
 * the same millisecond and logical counter on two coordinators) go to the higher dot. The clock is still kept, so
 * operators can see which coordinators touched a key, but it never creates siblings. Concurrent writes lose data by
 * design, as in Cassandra; the coordinator observes the stored timestamp before stamping, so a write that follows a
 * read on the same coordinator always wins over what was read.
 */
public final class LastWriteWins implements Versioning {

    static final LastWriteWins INSTANCE = new LastWriteWins();

    private static final Comparator<Sibling> ORDER = Comparator.comparingLong(Sibling::timestamp)
            .thenComparing(Sibling::dot);

    private LastWriteWins() {
    }

    @Override
    public Record write(Record local, Mutation mutation, String actor, long timestamp, long nowMillis,
                        long counterFloor) {
        if (local.holdsWrite(mutation.writeId())) {
            return local;
        }
        VersionVector context = mutation.context() != null ? mutation.context() : local.clock();
        long counter = Math.max(counterFloor, Math.max(local.clock().counter(actor), context.counter(actor))) + 1;
        Dot dot = new Dot(actor, counter);
        Sibling written = new Sibling(dot, timestamp, mutation.expiresAtMillis(), mutation.delete(),
                mutation.contentType(), mutation.value(), mutation.writeId());
        Sibling winner = written;
        for (Sibling s : local.siblings()) {
            winner = ORDER.compare(s, winner) > 0 ? s : winner;
        }
        VersionVector clock = local.clock().withDot(dot, nowMillis)
                .pruneOld(Limits.CLOCK_ENTRIES_MAX, Limits.CLOCK_ENTRIES_CEILING, Limits.CLOCK_PRUNE_MIN_AGE_MILLIS,
                        nowMillis, List.of(actor, winner.dot().actor()));
        return new Record(clock, List.of(winner));
    }

    @Override
    public Record merge(Record a, Record b) {
        Sibling winner = null;
        for (Sibling s : a.siblings()) {
            winner = winner == null || ORDER.compare(s, winner) > 0 ? s : winner;
        }
        for (Sibling s : b.siblings()) {
            winner = winner == null || ORDER.compare(s, winner) > 0 ? s : winner;
        }
        VersionVector clock = a.clock().merge(b.clock());
        return new Record(clock, winner == null ? List.of() : List.of(winner));
    }
}
