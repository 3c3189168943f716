package dev.kv.core.record;

import dev.kv.core.version.Dot;
import dev.kv.core.version.HybridLogicalClock;
import dev.kv.core.version.VersionVector;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Generates records the way the cluster produces them: three replicas of one key start empty; clients write through a
 * coordinator replica with a context from an earlier read (of one replica, of a merged quorum read, of any clock seen
 * so far) or with none; the gateway replicates the written record to some of the other replicas; anti-entropy, hints
 * and read repair merge one replica's record into another's; a node may lose its disk and come back as a new
 * generation (actor "n1:2" instead of "n1:1"). Property tests then check laws on the states this produces, which are
 * exactly the states merges meet in production.
 *
 * <p>Every record any replica held is kept in {@link #states()}, and every accepted write in {@link #written()}
 * together with the context it effectively carried, so that tests can compute what must survive.
 */
public final class ReplicaHistory {

    public static final int REPLICAS = 3;

    /** Three generations per node keep the actor count (at most 9) under the clock pruning limit of 10. */
    private static final int MAX_GENERATION = 3;

    private static final long START_MILLIS = 1_000;

    /** One event of the history. */
    public sealed interface Step permits Write, Replicate, Wipe, Reattempt {
    }

    /** Where the client's causal context comes from. */
    public enum ContextSource { BLIND, READ_ONE_REPLICA, READ_TWO_REPLICAS, EARLIER_READ }

    /** What the client writes. */
    public enum WriteKind { PUT, PUT_EXPIRING, DELETE }

    /**
     * A client write coordinated by replica {@code coordinator}; afterwards the record is merged into the replicas
     * whose bit is set in {@code replicateTo}. {@code timestampSkew} shifts the coordinator's clock, so timestamps
     * can tie or run against real order as with skewed node clocks.
     */
    public record Write(int coordinator, ContextSource contextSource, int contextPick, WriteKind kind, byte[] value,
                        String contentType, int replicateTo, int timestampSkew) implements Step {
        @Override
        public String toString() {
            return "Write[n" + (coordinator + 1) + ", " + contextSource + "#" + contextPick + ", " + kind + ", "
                    + value.length + " B, '" + contentType + "', replicate " + Integer.toBinaryString(replicateTo)
                    + ", skew " + timestampSkew + "]";
        }
    }

    /** Replica {@code to} merges the record of replica {@code from} (replication, hint, read repair, anti-entropy). */
    public record Replicate(int from, int to) implements Step {
    }

    /**
     * The gateway re-attempts an earlier client write (picked by index) at {@code coordinator} because the first
     * attempt's answer never came: it takes the write's alias dot, so twin versions of one write appear.
     */
    public record Reattempt(int coordinator, int pick) implements Step {
    }

    /** Node {@code node} loses its data and restarts as a new generation. */
    public record Wipe(int node) implements Step {
    }

    /** An accepted write: the sibling it created and the context the coordinator applied. */
    public record WrittenVersion(Sibling sibling, VersionVector effectiveContext, long atMillis) {
    }

    private final ConflictMode mode;
    private final List<Step> steps;
    private final Record[] replicas = new Record[REPLICAS];
    private final int[] generation = new int[REPLICAS];
    private final Set<Record> states = new LinkedHashSet<>();
    private final List<VersionVector> readClocks = new ArrayList<>();
    private final List<WrittenVersion> written = new ArrayList<>();
    private int refusedWrites;
    private boolean wiped;
    private long nowMillis = START_MILLIS;
    private long nextWriteId = 1;
    private final List<Mutation> attempted = new ArrayList<>();

    private ReplicaHistory(ConflictMode mode, List<Step> steps) {
        this.mode = mode;
        this.steps = List.copyOf(steps);
        for (int i = 0; i < REPLICAS; i++) {
            replicas[i] = Record.EMPTY;
            generation[i] = 1;
        }
        states.add(Record.EMPTY);
    }

    public static ReplicaHistory run(ConflictMode mode, List<Step> steps) {
        ReplicaHistory history = new ReplicaHistory(mode, steps);
        for (Step step : steps) {
            history.apply(step);
        }
        return history;
    }

    public static Arbitrary<ReplicaHistory> histories(ConflictMode mode, boolean wipes, int maxSteps) {
        return histories(mode, wipes, false, maxSteps);
    }

    /** Histories that may also re-attempt writes at a second coordinator (twin versions of one client write). */
    public static Arbitrary<ReplicaHistory> histories(ConflictMode mode, boolean wipes, boolean reattempts,
                                                      int maxSteps) {
        return steps(wipes, reattempts).list().ofMinSize(1).ofMaxSize(maxSteps).map(steps -> run(mode, steps));
    }

    public static Arbitrary<ReplicaHistory> histories(boolean wipes, int maxSteps) {
        return Arbitraries.of(ConflictMode.class).flatMap(mode -> histories(mode, wipes, true, maxSteps));
    }

    static Arbitrary<Step> steps(boolean wipes, boolean reattempts) {
        Arbitrary<Integer> replica = Arbitraries.integers().between(0, REPLICAS - 1);
        Arbitrary<Step> write = Combinators.combine(replica,
                Arbitraries.of(ContextSource.class), Arbitraries.integers().between(0, 1000),
                Arbitraries.of(WriteKind.class), Arbitraries.bytes().array(byte[].class).ofMaxSize(4),
                Arbitraries.of("", "text/plain", "application/json; charset=utf-8", "text/x-日本語", "image/🚀"),
                Arbitraries.integers().between(0, (1 << REPLICAS) - 1), Arbitraries.integers().between(-3, 3))
                .as(Write::new);
        Arbitrary<Step> replicate = Combinators.combine(replica, replica).filter((from, to) -> !from.equals(to))
                .as(Replicate::new);
        Arbitrary<Step> wipe = replica.map(Wipe::new);
        Arbitrary<Step> reattempt = Combinators.combine(replica, Arbitraries.integers().between(0, 1000))
                .as(Reattempt::new);
        return Arbitraries.frequencyOf(Tuple.of(12, write), Tuple.of(8, replicate), Tuple.of(wipes ? 1 : 0, wipe),
                Tuple.of(reattempts ? 3 : 0, reattempt));
    }

    private void apply(Step step) {
        nowMillis++;
        switch (step) {
            case Write write -> write(write);
            case Replicate replicate -> store(replicate.to(),
                    versioning().merge(replicas[replicate.to()], replicas[replicate.from()]));
            case Reattempt reattempt -> reattempt(reattempt);
            case Wipe wipe -> {
                if (generation[wipe.node()] < MAX_GENERATION) {
                    generation[wipe.node()]++;
                    replicas[wipe.node()] = Record.EMPTY;
                    wiped = true;
                }
            }
        }
        for (Record replica : replicas) {
            readClocks.add(replica.clock());
        }
    }

    private void write(Write write) {
        int coordinator = write.coordinator();
        Record local = replicas[coordinator];
        VersionVector context = switch (write.contextSource()) {
            case BLIND -> null;
            case READ_ONE_REPLICA -> replicas[write.contextPick() % REPLICAS].clock();
            case READ_TWO_REPLICAS -> replicas[write.contextPick() % REPLICAS].clock()
                    .merge(replicas[(write.contextPick() + 1) % REPLICAS].clock());
            case EARLIER_READ -> readClocks.isEmpty() ? null : readClocks.get(write.contextPick() % readClocks.size());
        };
        Mutation mutation = switch (write.kind()) {
            case PUT -> Mutation.put(write.value(), write.contentType(), Sibling.NO_EXPIRY, context);
            case PUT_EXPIRING -> Mutation.put(write.value(), write.contentType(),
                    nowMillis + 1 + write.contextPick() % 20, context);
            case DELETE -> Mutation.delete(context);
        };
        mutation = mutation.asWrite(nextWriteId++, false);
        attempted.add(mutation);
        long timestamp = HybridLogicalClock.pack(nowMillis + write.timestampSkew(), 0);
        Record result;
        try {
            result = versioning().write(local, mutation, actor(coordinator), timestamp, nowMillis);
        } catch (TooManySiblingsException e) {
            refusedWrites++;
            return;
        }
        String actor = actor(coordinator);
        Sibling mine = new Sibling(new Dot(actor, result.clock().counter(actor)), timestamp,
                mutation.expiresAtMillis(), mutation.delete(), mutation.contentType(), mutation.value(),
                mutation.writeId());
        if (mode == ConflictMode.VECTOR_CLOCK && !result.siblings().contains(mine)) {
            throw new AssertionError("the coordinator did not keep the version it wrote: " + mine + " in " + result);
        }
        written.add(new WrittenVersion(mine, context != null ? context : local.clock(), nowMillis));
        store(coordinator, result);
        for (int replica = 0; replica < REPLICAS; replica++) {
            if (replica != coordinator && (write.replicateTo() & (1 << replica)) != 0) {
                store(replica, versioning().merge(replicas[replica], result));
            }
        }
    }

    private void reattempt(Reattempt reattempt) {
        if (attempted.isEmpty()) {
            return;
        }
        Mutation first = attempted.get(reattempt.pick() % attempted.size());
        try {
            store(reattempt.coordinator(), versioning().write(replicas[reattempt.coordinator()],
                    first.asWrite(first.writeId(), true), actor(reattempt.coordinator()),
                    HybridLogicalClock.pack(nowMillis, 0), nowMillis));
        } catch (TooManySiblingsException e) {
            refusedWrites++;
        }
    }

    private void store(int replica, Record record) {
        replicas[replica] = record;
        states.add(record);
    }

    private String actor(int replica) {
        return "n" + (replica + 1) + ":" + generation[replica];
    }

    public ConflictMode mode() {
        return mode;
    }

    public Versioning versioning() {
        return mode.versioning();
    }

    public List<Record> replicas() {
        return List.of(replicas);
    }

    /** Every distinct record some replica held at some point, starting with {@link Record#EMPTY}. */
    public List<Record> states() {
        return List.copyOf(states);
    }

    /** The state at {@code pick} modulo the number of states, for properties that pick states by index. */
    public Record state(int pick) {
        List<Record> all = states();
        return all.get(Math.floorMod(pick, all.size()));
    }

    public List<WrittenVersion> written() {
        return Collections.unmodifiableList(written);
    }

    public boolean wiped() {
        return wiped;
    }

    public int refusedWrites() {
        return refusedWrites;
    }

    /** The record every replica converges to once anti-entropy has merged them all. */
    public Record fullyMerged() {
        Record merged = Record.EMPTY;
        for (Record replica : replicas) {
            merged = versioning().merge(merged, replica);
        }
        return merged;
    }

    /** The current time of the history, after its last step. */
    public long nowMillis() {
        return nowMillis;
    }

    @Override
    public String toString() {
        return mode + " history of " + steps.size() + " steps " + steps;
    }
}
