package dev.kv.sim;

import dev.kv.core.hints.HintPolicy;
import dev.kv.core.merkle.AntiEntropySchedule;
import dev.kv.core.record.ConflictMode;

import java.time.Duration;
import java.util.Set;

/**
 * One schedule's cluster and timing, all in simulated milliseconds. The defaults keep the services' order: the
 * tombstone grace is longer than the hint window and than an anti-entropy cycle, so no stale copy outlives a purge.
 *
 * @param seed        the schedule's seed: the same seed gives the same run
 * @param mode        conflict mode of the cluster
 * @param nodes       nodes in the ring (replication factor 3)
 * @param gateways    stateless gateways the clients spread over
 * @param clients     concurrent clients, each one operation at a time
 * @param operations  operations in all
 * @param faults      faults injected while the clients run
 * @param syncWrites  whether a write is durable before it is acknowledged
 * @param change      the membership change made during the run
 * @param bugs        bug classes switched back on
 */
record SimConfig(long seed, ConflictMode mode, int nodes, int gateways, int clients, int operations, int faults,
                 boolean syncWrites, Change change, Set<Bug> bugs) {

    /** The membership change a schedule makes while its clients run and its faults strike. */
    enum Change {
        NONE,
        /** A new node, started during the run, joins the ring. */
        JOIN,
        /** An operator decommissions a member (with at least 4 members, so 3 replicas are left). */
        DECOMMISSION,
        /**
         * A member dies for good with its disk (the schedule's one disk loss) and an operator removes it (with at
         * least 4 members).
         */
        REMOVE
    }

    static final int REPLICATION_FACTOR = 3;
    static final int VIRTUAL_NODES = 16;
    static final long REPLICA_TIMEOUT = 500;
    static final long COORDINATE_DEADLINE = 250;
    static final long MAX_CLOCK_SKEW = 200;
    static final long SPECULATIVE_READ = 50;
    static final long HINT_INTERVAL = 1_000;
    static final long HINT_WINDOW = 2_000;
    /** Hints delivered per second per target: 50 per round. */
    static final int HINT_DELIVERY_RATE = 50;
    /** Counted in hints, not bytes: the policy's byte limit is not what the simulated nodes run out of. */
    static final int HINTS_MAX = 10_000;
    static final HintPolicy HINT_POLICY = new HintPolicy(Duration.ofMillis(HINT_WINDOW), Long.MAX_VALUE);
    static final long ANTI_ENTROPY_INTERVAL = 100;
    /** Long enough for the interval to pace up to 7 peers; shorter than the tombstone grace, as kv-node demands. */
    static final long ANTI_ENTROPY_CYCLE = 1_000;
    static final AntiEntropySchedule.Pacing ANTI_ENTROPY = new AntiEntropySchedule.Pacing(
            Duration.ofMillis(ANTI_ENTROPY_INTERVAL), Duration.ofMillis(ANTI_ENTROPY_CYCLE));
    static final long TOMBSTONE_GRACE = 3_000;
    static final long SWEEP_INTERVAL = 1_000;
    static final long SYNC_INTERVAL = 200;

    boolean has(Bug bug) {
        return bugs.contains(bug);
    }

    long tombstoneGrace() {
        return has(Bug.EARLY_TOMBSTONE_PURGE) ? 0 : TOMBSTONE_GRACE;
    }

    /**
     * One anti-entropy cycle as the nodes' schedules run it: the longest round in which every node has exchanged with
     * every peer once (each node's pairs are its peers).
     */
    long antiEntropyCycle() {
        return ANTI_ENTROPY.roundMillis(nodes - 1);
    }
}
