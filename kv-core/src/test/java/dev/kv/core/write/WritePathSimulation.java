package dev.kv.core.write;

import dev.kv.core.record.ConflictMode;
import dev.kv.core.record.Mutation;
import dev.kv.core.record.Record;
import dev.kv.core.record.Sibling;
import dev.kv.core.record.Versioning;
import dev.kv.core.version.WriteIds;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * One key's write path under random timing, in simulated time: three replicas, one gateway, one client that reads at
 * {@code strong} (R=2) before every write and writes with that read's context at W=2, exactly as the gateway and the
 * nodes do it with {@link WriteAttempts}, {@link CoordinatorLease} and the vector-clock {@link Versioning}.
 *
 * <p>Every message (coordinate attempt, answer, replica merge, acknowledgement) takes a random delay; some are held
 * for seconds (a paused node, a full socket buffer), some answers never arrive (a node that froze or died after it
 * applied, a reset connection), and a quarter of the merges are delivered a second time seconds later (a retry, or a
 * hint delivered when the replica is back). Node clocks run up to {@code maxClockSkew} behind the gateway's and up to
 * 300 ms ahead. After the last operation every delayed message is delivered and anti-entropy merges all replicas.
 *
 * <p>The history it records is checked against what a client was promised (see {@link #violations()}), in terms of
 * client writes, not of dots, so the check does not borrow the implementation's notion of coverage.
 */
final class WritePathSimulation {

    static final int REPLICAS = 3;
    static final long REPLICA_TIMEOUT = 500;
    static final CoordinatorLease LEASE = new CoordinatorLease(Duration.ofMillis(250), Duration.ofMillis(200));

    /** Which safety mechanisms run; switching one off must let the checks find violations. */
    enum Mechanisms {
        ALL(true, true), NO_DEADLINE(false, true), NO_WRITE_IDS(true, false), NONE(false, false);

        final boolean deadline;
        final boolean writeIds;

        Mechanisms(boolean deadline, boolean writeIds) {
            this.deadline = deadline;
            this.writeIds = writeIds;
        }
    }

    private final SplittableRandom random;
    private final Mechanisms mechanisms;
    private final Versioning versioning = ConflictMode.VECTOR_CLOCK.versioning();
    private final Record[] replicas = new Record[REPLICAS];
    private final long[] clockOffset = new long[REPLICAS];
    private final PriorityQueue<Event> events = new PriorityQueue<>();
    private final List<String> violations = new ArrayList<>();
    /**
     * Ops a client may never see again: every acknowledged op but the last, and any op a later acknowledged op read.
     */
    private final Set<Integer> superseded = new HashSet<>();
    private final List<Integer> acknowledged = new ArrayList<>();
    private Record lastRead = Record.EMPTY;
    private final List<String> trace = new ArrayList<>();
    private long now;
    private long sequence;
    /** Set once the client has the current op's answer; attempts capture their op's flag. */
    private boolean[] opEnded = {false};
    private int reattempts;
    /** Unacknowledged ops that were re-attempted after an unanswered attempt: the documented limit ({@link #run}). */
    private final Set<Integer> failedAfterReattempt = new HashSet<>();
    private boolean currentOpReattempted;

    WritePathSimulation(long seed, Mechanisms mechanisms) {
        this.random = new SplittableRandom(seed);
        this.mechanisms = mechanisms;
        for (int i = 0; i < REPLICAS; i++) {
            replicas[i] = Record.EMPTY;
            clockOffset[i] = random.nextLong(-LEASE.maxClockSkew().toMillis(), 301);
        }
    }

    private record Event(long at, long sequence, Runnable action) implements Comparable<Event> {
        @Override
        public int compareTo(Event other) {
            return at != other.at ? Long.compare(at, other.at) : Long.compare(sequence, other.sequence);
        }
    }

    private void schedule(long delay, Runnable action) {
        events.add(new Event(now + delay, sequence++, action));
    }

    /** A message's delay: mostly a millisecond or two, sometimes a pause of up to three seconds. */
    private long delay() {
        return random.nextInt(10) == 0 ? random.nextLong(100, 3_000) : random.nextLong(0, 3);
    }

    private boolean lost() {
        return random.nextInt(8) == 0;
    }

    /**
     * Runs {@code operations} client operations, then lets everything settle; returns the violations found.
     *
     * <p>The one exemption is the documented limit of the mechanism: a write that failed (the client got a 503, outcome
     * unknown) after the gateway re-attempted it because an earlier attempt went unanswered may have been applied by
     * both attempts, the first under its coordinator's dot and the re-attempt under the write's alias dot; a read
     * that saw only the first does not supersede the second. For such a write, a later write that read it does not
     * count as superseding it here. Acknowledged writes have no exemption.
     */
    List<String> run(int operations) {
        for (int op = 0; op < operations; op++) {
            strictRead("before op " + op);
            List<Integer> readBeforeWrite = opsVisibleIn(lastRead);
            boolean delete = random.nextInt(3) == 0;
            Mutation mutation = delete ? Mutation.delete(lastRead.clock())
                    : Mutation.put(value(op), "text/plain", Sibling.NO_EXPIRY, lastRead.clock());
            currentOpReattempted = false;
            opEnded = new boolean[] {false};
            boolean ok = write(WriteIds.next(random), mutation);
            opEnded[0] = true;
            if (!ok && currentOpReattempted) {
                failedAfterReattempt.add(op);
            }
            log("op " + op + (delete ? " delete" : " put") + (ok ? " acknowledged" : " failed"));
            if (ok) {
                // The acknowledged op's context covered what its read showed, and every op acknowledged before.
                superseded.addAll(acknowledged);
                for (int seen : readBeforeWrite) {
                    if (!failedAfterReattempt.contains(seen)) {
                        superseded.add(seen);
                    }
                }
                acknowledged.add(op);
                strictRead("after acknowledged op " + op);
                if (!delete && !opsVisibleIn(lastRead).contains(op)) {
                    violations.add("op " + op + " was acknowledged but the next strict read lacks it: " + lastRead);
                }
            }
        }
        while (!events.isEmpty()) {
            step();
        }
        Record converged = Record.EMPTY;
        for (Record replica : replicas) {
            converged = versioning.merge(converged, replica);
        }
        check(converged, "after convergence");
        return violations;
    }

    private static byte[] value(int op) {
        return ("v" + op).getBytes(StandardCharsets.UTF_8);
    }

    /** The ops whose values a record shows, one entry per live sibling (so a write seen twice appears twice). */
    private static List<Integer> opsVisibleIn(Record record) {
        List<Integer> ops = new ArrayList<>();
        for (Sibling sibling : record.liveSiblings(Long.MAX_VALUE - 1)) {
            ops.add(Integer.parseInt(new String(sibling.value(), StandardCharsets.UTF_8).substring(1)));
        }
        return ops;
    }

    /** A strict read: two replicas answer and their records merge; what the client sees is checked. */
    private void strictRead(String when) {
        int first = random.nextInt(REPLICAS);
        int second = (first + 1 + random.nextInt(REPLICAS - 1)) % REPLICAS;
        lastRead = versioning.merge(replicas[first], replicas[second]);
        log("strict read " + when + " of n" + (first + 1) + ", n" + (second + 1) + " -> " + lastRead);
        check(lastRead, when + " (read of n" + (first + 1) + ", n" + (second + 1) + ")");
    }

    private void check(Record record, String when) {
        Set<Integer> seen = new HashSet<>();
        for (int op : opsVisibleIn(record)) {
            if (superseded.contains(op)) {
                violations.add(when + ": op " + op + " came back after a later acknowledged op superseded it: "
                        + record);
            }
            if (!seen.add(op)) {
                violations.add(when + ": op " + op + " is visible as two versions: " + record);
            }
        }
    }

    private void step() {
        Event event = events.poll();
        now = Math.max(now, event.at());
        event.action().run();
    }

    /** One client write through the gateway: coordinator attempts with failover, then replication at W=2. */
    private boolean write(long writeId, Mutation mutation) {
        WriteAttempts attempts = new WriteAttempts(LEASE, writeId);
        for (int candidate = 0; candidate < REPLICAS; candidate++) {
            while (now < attempts.nextAttemptNotBefore()) {
                if (!events.isEmpty() && events.peek().at() <= attempts.nextAttemptNotBefore()) {
                    step();
                } else {
                    now = attempts.nextAttemptNotBefore();
                }
            }
            WriteAttempts.Attempt attempt = attempts.start(now);
            if (attempt.reattempt()) {
                reattempts++;
                currentOpReattempted = true;
            }
            Answer answer = coordinate(candidate, mutation, attempt);
            log("attempt at n" + (candidate + 1) + ": " + answer.outcome);
            if (answer.record != null) {
                return replicate(candidate, answer.record);
            }
            attempts.ended(attempt, answer.outcome, now);
        }
        return false;
    }

    private record Answer(WriteAttempts.Outcome outcome, Record record) {
    }

    private Answer coordinate(int node, Mutation mutation, WriteAttempts.Attempt attempt) {
        long sentAt = now;
        boolean[] ended = opEnded;
        Answer[] answer = new Answer[1];
        schedule(delay(), () -> {
            long nodeNow = now + clockOffset[node];
            if (mechanisms.deadline && !CoordinatorLease.mayApply(attempt.deadlineMillis(), nodeNow)) {
                log("n" + (node + 1) + " refuses attempt sent at " + sentAt + ": deadline passed");
                schedule(delay(), () -> answer[0] = answer[0] != null ? answer[0]
                        : new Answer(WriteAttempts.Outcome.NOT_APPLIED, null));
                return;
            }
            Mutation sent = !mechanisms.writeIds ? mutation
                    : mutation.asWrite(attempt.writeId(), attempt.reattempt());
            Record written = versioning.write(replicas[node], sent, "n" + (node + 1) + ":1", nodeNow, nodeNow);
            replicas[node] = written;
            log("n" + (node + 1) + " coordinates attempt sent at " + sentAt
                    + (attempt.reattempt() ? " (re-attempt)" : "") + " -> " + written);
            if (ended[0]) {
                violations.add("n" + (node + 1) + " applied an attempt sent at " + sentAt
                        + " after the client had the write's answer");
            }
            if (!lost()) {
                schedule(delay(), () -> answer[0] = answer[0] != null ? answer[0]
                        : new Answer(WriteAttempts.Outcome.APPLIED, written));
            }
        });
        runUntil(sentAt + REPLICA_TIMEOUT, () -> answer[0] != null);
        Answer result = answer[0] != null ? answer[0] : new Answer(WriteAttempts.Outcome.UNKNOWN, null);
        answer[0] = result; // an answer arriving later is ignored, as the gateway ignores it
        return result;
    }

    private boolean replicate(int coordinator, Record record) {
        long sentAt = now;
        int[] acks = {1};
        for (int replica = 0; replica < REPLICAS; replica++) {
            if (replica == coordinator) {
                continue;
            }
            int target = replica;
            if (random.nextInt(4) == 0) {
                // The same record again, much later: a retried merge or a hint delivered when the replica is back.
                schedule(random.nextLong(500, 5_000), () -> {
                    replicas[target] = versioning.merge(replicas[target], record);
                    log("n" + (target + 1) + " merges the record sent at " + sentAt + " again (hint) -> "
                            + replicas[target]);
                });
            }
            schedule(delay(), () -> {
                replicas[target] = versioning.merge(replicas[target], record);
                log("n" + (target + 1) + " merges the record sent at " + sentAt + " -> " + replicas[target]);
                if (!lost()) {
                    schedule(delay(), () -> {
                        if (now < sentAt + REPLICA_TIMEOUT) {
                            acks[0]++;
                        }
                    });
                }
            });
        }
        runUntil(sentAt + REPLICA_TIMEOUT, () -> acks[0] >= 2);
        return acks[0] >= 2;
    }

    private void runUntil(long deadline, java.util.function.BooleanSupplier done) {
        while (!done.getAsBoolean() && !events.isEmpty() && events.peek().at() < deadline) {
            step();
        }
        if (!done.getAsBoolean()) {
            now = Math.max(now, deadline);
        }
    }

    /** What happened, one line per event, for the report of a failing seed. */
    List<String> trace() {
        return trace;
    }

    private void log(String line) {
        trace.add(now + " ms: " + line);
    }

    int reattempts() {
        return reattempts;
    }

    List<String> violations() {
        return violations;
    }
}
