package dev.kv.sim;

import dev.kv.core.contract.FailureKind;
import dev.kv.core.hints.HintDeliveryPlan;
import dev.kv.core.merkle.AntiEntropySchedule;
import dev.kv.core.merkle.KeyDiff;
import dev.kv.core.merkle.MerkleTree;
import dev.kv.core.merkle.RecordDigest;
import dev.kv.core.placement.TokenRange;
import dev.kv.core.record.Mutation;
import dev.kv.core.record.Record;
import dev.kv.core.record.TooManySiblingsException;
import dev.kv.core.record.Versioning;
import dev.kv.core.replica.DeadlinePassedException;
import dev.kv.core.replica.PurgeClearance;
import dev.kv.core.replica.ReplicaRecords;
import dev.kv.core.ring.TokenRing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * A storage node built from the same kv-core logic as kv-node ({@link ReplicaRecords}, the hint policy and
 * {@link HintDeliveryPlan}, the {@link AntiEntropySchedule}, the {@link MerkleTree} descent and the key-level diff, the
 * purge rule, and through {@link SimMembership} the topology fence, adoption and transition rules), on a simulated
 * disk and clock: it serves coordinate, merge, read, hint, Merkle and streaming calls, delivers its hints, exchanges
 * with its peers for anti-entropy, purges dead records after the grace period and takes part in membership changes.
 */
final class SimNode {

    /** The Merkle trees' depth: 256 leaves, fine enough for a schedule's few keys to differ leaf by leaf. */
    static final int TREE_DEPTH = 2;
    /** The sim exchanges every key two nodes share at once, not range by range: one name for all of them. */
    private static final String SHARED = "shared";

    private final String id;
    private final Simulation world;
    private final SimDisk disk;
    private final InstantSource clock;
    private final Versioning versioning;
    private final SimMembership membership;
    private final SimGossip gossip;
    private boolean running;
    /** Started at least once, and not left the ring: a process the operator keeps running (faults restart it). */
    private boolean wanted;
    private int incarnation;
    private String actor;
    private long clockOffset;
    private long hintSequence;
    private AntiEntropySchedule<String> antiEntropy;
    private ReplicaRecords replica;
    /** In memory, as in kv-node: a restart forgets the sightings, which only delays purges. */
    private PurgeClearance clearance;
    private long repairedKeys;

    SimNode(String id, Simulation world) {
        this.id = id;
        this.world = world;
        this.disk = new SimDisk(world.config().syncWrites());
        this.clock = () -> Instant.ofEpochMilli(Simulation.EPOCH_MILLIS + world.loop().now() + clockOffset);
        Versioning mode = world.config().mode().versioning();
        this.versioning = world.config().has(Bug.PLAIN_VECTOR_CLOCKS) ? new PlainVectorClocks(mode) : mode;
        this.membership = new SimMembership(this, world);
        this.gossip = new SimGossip(this, world);
    }

    SimGossip gossip() {
        return gossip;
    }

    SimMembership membership() {
        return membership;
    }

    SimDisk disk() {
        return disk;
    }

    boolean wanted() {
        return wanted;
    }

    String id() {
        return id;
    }

    boolean running() {
        return running;
    }

    long millis() {
        return clock.millis();
    }

    void clockOffset(long offset) {
        this.clockOffset = offset;
    }

    /** Starts the process: a new actor (a fresh epoch every start, as kv-node's NodeIdentity) and its timers. */
    void start() {
        running = true;
        wanted = true;
        incarnation++;
        actor = id + ":" + HexFormat.of().toHexDigits(world.random().nextLong() & 0xFFFF_FFFF_FFFFL).substring(4);
        replica = new ReplicaRecords(new ReplicaRecords.Store() {
            @Override
            public Record read(byte[] key) {
                return disk.read(new String(key, StandardCharsets.UTF_8));
            }

            @Override
            public void write(byte[] key, Record before, Record after) {
                String name = new String(key, StandardCharsets.UTF_8);
                world.invariants().written(id, name, after);
                world.trace().add("%s stores %s %s", id, name, after == null ? "(purged)" : Reports.lazy("", after));
                disk.write(name, after);
            }
        }, versioning, () -> actor, clock, world.config().tombstoneGrace());
        clearance = new PurgeClearance(Integer.MAX_VALUE);
        int started = incarnation;
        gossip.start(started);
        membership.start(started);
        every(SimConfig.HINT_INTERVAL, started, this::deliverHints);
        antiEntropy = new AntiEntropySchedule<>(SimConfig.ANTI_ENTROPY, world.random());
        exchangeWhenDue(started);
        every(SimConfig.SWEEP_INTERVAL, started, this::sweep);
        if (!world.config().syncWrites()) {
            every(SimConfig.SYNC_INTERVAL, started, disk::sync);
        }
    }

    /** kill -9: the process stops; the disk keeps what the operating system has. */
    void crash() {
        running = false;
    }

    /** The machine loses power: the process stops and unsynced writes are gone. */
    void losePower() {
        running = false;
        disk.loseUnsynced();
    }

    void wipe() {
        running = false;
        disk.wipe();
    }

    /** Left the ring by a decommission this process saw through: it stops, and nothing starts it again. */
    void retire() {
        running = false;
        wanted = false;
        world.trace().add("%s has left the ring and stops", id);
    }

    boolean alive(int startedIncarnation) {
        return running && incarnation == startedIncarnation;
    }

    void after(long delay, int started, Runnable action) {
        world.loop().after(delay, () -> {
            if (alive(started)) {
                action.run();
            }
        });
    }

    void every(long interval, int started, Runnable action) {
        long jitter = world.random().nextLong(interval / 4 + 1);
        world.loop().after(interval + jitter, () -> {
            if (alive(started)) {
                action.run();
                every(interval, started, action);
            }
        });
    }

    // ---- calls served

    Record coordinate(String key, Mutation mutation, long deadlineMillis, String routedWith) {
        membership.check(routedWith);
        try {
            return replica.coordinate(bytes(key), mutation, deadlineMillis);
        } catch (DeadlinePassedException e) {
            throw new SimNetwork.Refusal(FailureKind.REFUSED, e.getMessage());
        } catch (TooManySiblingsException e) {
            throw new SimNetwork.Refusal(FailureKind.REJECTED, e.getMessage());
        }
    }

    /** A merge call (replication, repair, hint delivery), fenced by the topology it was routed with. */
    Record merge(String key, Record incoming, String routedWith) {
        membership.check(routedWith);
        return merge(key, incoming);
    }

    Record merge(String key, Record incoming) {
        return replica.merge(bytes(key), incoming);
    }

    /** Merges and answers whether the local record changed (anti-entropy counts those as repaired). */
    boolean mergeChanged(String key, Record incoming) {
        Record before = disk.read(key);
        return !merge(key, incoming).equals(before);
    }

    private void repaired(boolean changed) {
        if (changed) {
            repairedKeys++;
            world.stats().repaired(1);
        }
    }

    Record read(String key, String routedWith) {
        membership.check(routedWith);
        return disk.read(key);
    }

    /** What the disk holds for the key, as the checkers look at it. */
    Record read(String key) {
        return disk.read(key);
    }

    Boolean storeHint(String target, String key, Record record) {
        if (disk.hints().size() >= SimConfig.HINTS_MAX) {
            throw new SimNetwork.Refusal(FailureKind.REFUSED, "hint storage full");
        }
        disk.putHint(new SimDisk.Hint(++hintSequence + ((long) incarnation << 40), target, key, record, millis()));
        return true;
    }

    Map<String, Record> hints(String target) {
        Map<String, Record> result = new LinkedHashMap<>();
        disk.hints().values().stream().filter(h -> h.target().equals(target))
                .forEach(h -> result.put(h.key(), h.record()));
        return result;
    }

    int pendingHints() {
        return disk.hints().size();
    }

    Map<String, Record> records() {
        return disk.records();
    }

    void removeHints(String target, Set<String> keys) {
        disk.hints().values().stream().filter(h -> h.target().equals(target) && keys.contains(h.key()))
                .map(SimDisk.Hint::sequence).toList().forEach(disk::removeHint);
    }

    /** A streaming call: every record this node holds in the ranges, fenced by the joiner's topology. */
    Map<String, Record> recordsIn(List<TokenRange> ranges, String routedWith) {
        membership.check(routedWith);
        Map<String, Record> records = new TreeMap<>();
        disk.records().forEach((key, record) -> {
            long token = TokenRing.tokenOf(bytes(key));
            if (ranges.stream().anyMatch(range -> range.contains(token))) {
                records.put(key, record);
            }
        });
        return records;
    }

    /** Adoption of a topology that gives this node ranges: what it still holds in them is dropped first. */
    void dropRanges(List<TokenRange> ranges) {
        drop(key -> {
            long token = TokenRing.tokenOf(bytes(key));
            return ranges.stream().anyMatch(range -> range.contains(token));
        }, "a range it gains");
    }

    /** Drops the records of the keys that match (a gained range, or cleanup), saying why in the trace. */
    void drop(Predicate<String> which, String why) {
        for (String key : disk.records().keySet()) {
            if (which.test(key)) {
                disk.write(key, null);
                world.trace().add("%s drops %s (%s)", id, key, why);
            }
        }
    }

    int incarnation() {
        return incarnation;
    }

    /** The process dies for good with its disk (a member to be removed): nothing starts it again. */
    void dieForGood() {
        running = false;
        wanted = false;
        disk.wipe();
        world.trace().add("%s dies for good", id);
    }

    /** Adoption of a topology in which this node is gone: every record and hint is dropped. */
    void dropEverything() {
        disk.records().keySet().forEach(key -> disk.write(key, null));
        disk.hints().keySet().forEach(disk::removeHint);
    }

    long repairedKeys() {
        return repairedKeys;
    }

    // ---- hinted handoff: kv-core's HintDeliveryPlan per target, oldest first, stop at the first failure

    private void deliverHints() {
        int perRound = HintDeliveryPlan.hintsPerRound(SimConfig.HINT_DELIVERY_RATE,
                Duration.ofMillis(SimConfig.HINT_INTERVAL));
        Map<String, List<SimDisk.Hint>> oldestByTarget = new TreeMap<>();
        for (SimDisk.Hint hint : disk.hints().values()) {
            List<SimDisk.Hint> oldest = oldestByTarget.computeIfAbsent(hint.target(), t -> new ArrayList<>());
            if (oldest.size() < perRound) {
                oldest.add(hint);
            }
        }
        long now = millis();
        int started = incarnation;
        oldestByTarget.forEach((target, oldest) -> {
            // Sent only to a target gossip judges alive; a failed call ends its round, as in kv-node.
            HintDeliveryPlan<SimDisk.Hint> plan = HintDeliveryPlan.of(SimConfig.HINT_POLICY, oldest,
                    SimDisk.Hint::storedAtMillis, gossip.alive(target), now);
            for (SimDisk.Hint hint : plan.expired()) {
                disk.removeHint(hint.sequence()); // anti-entropy repairs what it held
                world.trace().add("%s drops expired hint for %s key %s", id, hint.target(), hint.key());
            }
            deliverFrom(plan.send(), 0, started);
        });
    }

    private void deliverFrom(List<SimDisk.Hint> hints, int index, int started) {
        if (index >= hints.size() || !alive(started)) {
            return;
        }
        SimDisk.Hint hint = hints.get(index);
        SimNode target = world.node(hint.target());
        world.network().call(id, target.id(), Reports.lazy("hint-delivery " + hint.key() + " ", hint.record()),
                SimConfig.REPLICA_TIMEOUT,
                () -> target.merge(hint.key(), hint.record(), membership.version()), () -> alive(started),
                (ok, failure) -> {
                    if (failure == null) {
                        disk.removeHint(hint.sequence());
                        deliverFrom(hints, index + 1, started);
                    }
                });
    }

    // ---- anti-entropy: kv-core's AntiEntropySchedule picks the peer and the time, then the key-level step of the
    // Merkle exchange with it

    /** Wakes when the schedule's next exchange is due on this node's clock (which faults may move meanwhile). */
    private void exchangeWhenDue(int started) {
        long now = millis();
        long delay = antiEntropy.isDue(now) ? 0 : antiEntropy.nextDueMillis() - now;
        world.loop().after(delay, () -> {
            if (alive(started)) {
                // Every peer is a live pair: the simulated nodes run no failure detector, and an exchange with a
                // peer that does not answer just fails.
                List<String> livePeers = membership.peers().stream().filter(gossip::alive).toList();
                antiEntropy.next(livePeers, millis()).ifPresent(peer -> exchangeWith(peer, started));
                exchangeWhenDue(started);
            }
        });
    }

    /** The exchange with one peer: kv-node's Merkle descent from the root to the differing leaves, then keys. */
    private void exchangeWith(String peer, int started) {
        long ticket = clearance.exchangeStarted();
        descend(world.node(peer), membership.version(), 0, new int[] {0}, () -> {
            if (alive(started)) {
                clearance.exchangeCompleted(SHARED, peer, ticket);
            }
        }, started);
    }

    /** One level: the peer's children of the nodes that differed, compared with this node's ({@link MerkleTree}). */
    private void descend(SimNode other, String version, int level, int[] nodes, Runnable completed, int started) {
        if (nodes.length == 0) {
            completed.run(); // in sync
            return;
        }
        if (level == TREE_DEPTH) {
            compareLeaves(other, version, nodes, completed, started);
            return;
        }
        world.network().call(id, other.id(), "merkle-children level " + level + " of " + nodes.length,
                SimConfig.REPLICA_TIMEOUT, () -> other.treeShared(id, version).children(level, nodes),
                () -> alive(started), (theirs, failure) -> {
                    if (failure == null) {
                        int[] differing = MerkleTree.differingChildren(nodes,
                                treeShared(other.id()).children(level, nodes), theirs);
                        descend(other, version, level + 1, differing, completed, started);
                    }
                });
    }

    private void compareLeaves(SimNode other, String version, int[] leaves, Runnable completed, int started) {
        world.network().call(id, other.id(), "merkle-digests of " + leaves.length + " leaves",
                SimConfig.REPLICA_TIMEOUT, () -> other.digestsIn(id, version, leaves), () -> alive(started),
                (theirs, failure) -> {
                    if (failure == null) {
                        pull(other, KeyDiff.between(digestsIn(other.id(), leaves), theirs), version, completed,
                                started);
                    }
                });
    }

    private void pull(SimNode other, KeyDiff<String> diff, String version, Runnable completed, int started) {
        if (diff.differing() == 0) {
            completed.run();
            return;
        }
        world.network().call(id, other.id(), Reports.lazy(() -> "merkle-pull " + diff.pull()),
                SimConfig.REPLICA_TIMEOUT,
                () -> other.recordsOf(diff.pull(), version), () -> alive(started), (records, failure) -> {
                    if (failure != null) {
                        return;
                    }
                    records.forEach((key, record) -> repaired(mergeChanged(key, record)));
                    Map<String, Record> push = recordsOf(diff.push());
                    world.network().call(id, other.id(), Reports.lazy(() -> "merkle-push " + push),
                            SimConfig.REPLICA_TIMEOUT,
                            () -> {
                                other.membership().check(version);
                                push.forEach((key, record) -> repaired(other.mergeChanged(key, record)));
                                return true;
                            }, () -> alive(started), (ok, pushFailure) -> {
                                if (pushFailure == null) {
                                    completed.run();
                                }
                            });
                });
    }

    /** A Merkle call: the tree over the keys this node shares with {@code peer}. */
    MerkleTree treeShared(String peer, String routedWith) {
        membership.check(routedWith);
        return treeShared(peer);
    }

    /** The Merkle tree over the keys this node holds that {@code peer} replicates too (kv-node keeps one per range). */
    MerkleTree treeShared(String peer) {
        MerkleTree tree = new MerkleTree(TREE_DEPTH);
        digestsShared(peer).forEach((key, digest) -> tree.update(TokenRing.tokenOf(bytes(key)), 0, digest));
        return tree;
    }

    /** A Merkle call: the digests of the shared keys in the given leaves. */
    Map<String, Long> digestsIn(String peer, String routedWith, int[] leaves) {
        membership.check(routedWith);
        return digestsIn(peer, leaves);
    }

    Map<String, Long> digestsIn(String peer, int[] leaves) {
        MerkleTree shape = new MerkleTree(TREE_DEPTH);
        Set<Integer> wanted = new HashSet<>();
        for (int leaf : leaves) {
            wanted.add(leaf);
        }
        Map<String, Long> digests = new TreeMap<>();
        digestsShared(peer).forEach((key, digest) -> {
            if (wanted.contains(shape.leafOf(TokenRing.tokenOf(bytes(key))))) {
                digests.put(key, digest);
            }
        });
        return digests;
    }

    /** Version digests of the keys this node holds that {@code peer} replicates too (in this node's topology). */
    Map<String, Long> digestsShared(String peer) {
        Map<String, Long> digests = new TreeMap<>();
        disk.records().forEach((key, record) -> {
            if (membership.shares(key, peer)) {
                digests.put(key, RecordDigest.of(bytes(key), record));
            }
        });
        return digests;
    }

    /** A Merkle pull: the records of the keys, fenced by the topology the exchange runs on. */
    Map<String, Record> recordsOf(List<String> keys, String routedWith) {
        membership.check(routedWith);
        return recordsOf(keys);
    }

    Map<String, Record> recordsOf(List<String> keys) {
        Map<String, Record> records = new TreeMap<>();
        for (String key : keys) {
            Record record = disk.read(key);
            if (!record.isEmpty() || !record.clock().isEmpty()) {
                records.put(key, record);
            }
        }
        return records;
    }

    // ---- expiry

    /** kv-node's TombstoneSweeper: dead records past their grace, once kv-core's {@link PurgeClearance} allows. */
    private void sweep() {
        long now = millis();
        long purgeBefore = now - world.config().tombstoneGrace();
        for (String key : List.copyOf(disk.records().keySet())) {
            byte[] bytes = bytes(key);
            if (ReplicaRecords.isPurgeable(disk.read(key), now, purgeBefore) && cleared(key)
                    && replica.purgeIfDead(bytes, purgeBefore)) {
                world.trace().add("%s purges %s", id, key);
            }
        }
        clearance.passFinished();
    }

    private boolean cleared(String key) {
        if (world.config().has(Bug.EARLY_TOMBSTONE_PURGE)) {
            return true;
        }
        List<String> sharing = membership.peers().stream().filter(peer -> membership.shares(key, peer)).toList();
        return clearance.cleared(bytes(key), SHARED, sharing);
    }

    static byte[] bytes(String key) {
        return key.getBytes(StandardCharsets.UTF_8);
    }
}
