package dev.kv.node.antientropy;

import dev.kv.core.codec.RecordCodec;
import dev.kv.core.merkle.KeyDigest;
import dev.kv.core.merkle.MerkleTree;
import dev.kv.core.merkle.RecordDigest;
import dev.kv.core.record.Record;
import dev.kv.core.ring.TokenRing;
import dev.kv.node.config.BackgroundThreads;
import dev.kv.node.config.NodeProperties;
import dev.kv.node.gossip.RingView;
import dev.kv.node.storage.RecordListener;
import dev.kv.node.storage.RecordStore;
import dev.kv.node.storage.RocksStorage;
import dev.kv.node.storage.StorageKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.random.RandomGenerator;

/**
 * One Merkle tree per range this node replicates (a range is a replica set: all token ranges whose preference list
 * is the same N nodes), kept current by every write through {@link RecordListener} and rebuilt from disk when the
 * ring changes or periodically.
 *
 * <p>A rebuild must not lose a write that lands while it scans, or the rebuilt tree would disagree with the disk until
 * the next rebuild. So it takes a point-in-time view of the store and starts recording changes in the same instant
 * (with every key's lock held, which takes microseconds), scans the view, then, under the lock that changes go
 * through, applies the recorded changes to the new trees and swaps them in. Each change is thus counted exactly once.
 */
@Component
public class MerkleTrees implements RecordListener {

    private static final Logger log = LoggerFactory.getLogger(MerkleTrees.class);

    /** The trees of one ring, and when they are rebuilt from disk next (unless the ring changes first). */
    private record State(TokenRing ring, Map<String, MerkleTree> trees, long rebuildAtMillis) {
    }

    /**
     * A write during a rebuild, by its digests: a rebuild of ten million keys takes minutes, and recording the writes'
     * records (values included) filled a 256 MiB heap within one, until the node did nothing but collect garbage.
     */
    private record Change(byte[] key, long before, long after) {
    }

    private final RingView rings;
    private final RocksStorage storage;
    private final RecordStore store;
    private final String self;
    private final int depth;
    private final long maxAgeMillis;
    private final InstantSource clock;
    /** Drawn from only on the rebuild thread. */
    private final RandomGenerator random;
    private final Object changes = new Object();
    private final ExecutorService rebuilder = BackgroundThreads.single("merkle-rebuild");
    private volatile State state;
    private List<Change> recording;

    MerkleTrees(RingView rings, RocksStorage storage, RecordStore store, NodeProperties node,
                AntiEntropyProperties properties, InstantSource clock, RandomGenerator random) {
        this.rings = rings;
        this.storage = storage;
        this.store = store;
        this.self = node.id();
        this.depth = properties.depth();
        this.maxAgeMillis = properties.treeRebuild().toMillis();
        this.clock = clock;
        this.random = random;
        this.state = new State(TokenRing.of(List.of(), 1), Map.of(), 0);
        store.addListener(this);
    }

    @Override
    public void changed(byte[] key, Record before, Record after) {
        long from = RecordDigest.of(key, before);
        long to = RecordDigest.of(key, after);
        synchronized (changes) {
            apply(state, key, from, to);
            if (recording != null) {
                recording.add(new Change(key, from, to));
            }
        }
    }

    private void apply(State target, byte[] key, long before, long after) {
        MerkleTree tree = target.trees().get(rings.rangeOf(target.ring(), key));
        if (tree != null) {
            tree.update(TokenRing.tokenOf(key), before, after);
        }
    }

    /**
     * Rebuilds when the ring changed since the last build or the trees are older than the rebuild interval, and waits
     * for it. The rebuild runs on a background platform thread (see {@link BackgroundThreads}): callers are often
     * virtual threads, and a scan of every record must not hold one of the carriers that serve requests.
     */
    public void refreshIfStale() {
        if (!isStale()) {
            return;
        }
        try {
            rebuilder.submit(() -> {
                if (isStale()) {
                    rebuild(rings.ring());
                }
            }).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            throw new IllegalStateException("Merkle tree rebuild failed", e.getCause());
        }
    }

    private boolean isStale() {
        State current = state;
        return current.ring() != rings.ring() || clock.millis() > current.rebuildAtMillis();
    }

    private void rebuild(TokenRing ring) {
        long start = clock.millis();
        Map<String, MerkleTree> trees = new HashMap<>();
        for (String range : rangesOf(ring)) {
            trees.put(range, new MerkleTree(depth));
        }
        // Between 3/4 and 5/4 of the interval: members started together would otherwise all scan their disks in the
        // same minute, every interval, and the cluster would slow down as one.
        State built = new State(ring, trees, start + (long) (maxAgeMillis * (0.75 + random.nextDouble() / 2)));
        long[] keys = {0};
        try (RocksStorage.Scan scan = store.withAllKeysLocked(() -> {
            synchronized (changes) {
                recording = new ArrayList<>();
            }
            return storage.openScan();
        })) {
            scan.forEach((storageKey, value) -> {
                byte[] key = StorageKeys.userKey(storageKey);
                apply(built, key, 0, RecordDigest.of(key, RecordCodec.decode(value)));
                keys[0]++;
                return true;
            });
        } finally {
            synchronized (changes) {
                if (recording != null) {
                    for (Change change : recording) {
                        apply(built, change.key(), change.before(), change.after());
                    }
                    recording = null;
                }
                state = built;
            }
        }
        log.info("Merkle trees rebuilt: {} ranges, {} keys, {} ms", trees.size(), keys[0], clock.millis() - start);
    }

    /**
     * A range this node replicates, as its tree sees it now.
     *
     * @param range    the range's name (its replicas joined by '+')
     * @param replicas the nodes that replicate it
     * @param root     the tree's root hash in hex: replicas holding the same versions of the same keys agree on it
     */
    public record RangeTree(String range, List<String> replicas, String root) {
    }

    /** The ranges of the current ring that include this node, in name order, with their replicas and roots. */
    public List<RangeTree> ranges() {
        List<RangeTree> result = new ArrayList<>();
        for (Map.Entry<String, MerkleTree> tree : new TreeMap<>(state.trees()).entrySet()) {
            result.add(new RangeTree(tree.getKey(), RingView.replicasOf(tree.getKey()),
                    HexFormat.of().toHexDigits(tree.getValue().root())));
        }
        return result;
    }

    public MerkleTree tree(String range) {
        return state.trees().get(range);
    }

    public TokenRing ring() {
        return state.ring();
    }

    /** The keys of {@code range} in the given leaves with their digests, read from disk. */
    public List<KeyDigest> digests(String range, int[] leaves) {
        State current = state;
        MerkleTree tree = current.trees().get(range);
        List<KeyDigest> result = new ArrayList<>();
        if (tree == null) {
            return result;
        }
        for (int leaf : leaves) {
            byte[] from = StorageKeys.startOf(tree.leafStartToken(leaf));
            byte[] to = leaf + 1 < tree.leafCount() ? StorageKeys.startOf(tree.leafStartToken(leaf + 1)) : null;
            storage.forEachInRange(from, to, (storageKey, value) -> {
                byte[] key = StorageKeys.userKey(storageKey);
                if (range.equals(rings.rangeOf(current.ring(), key))) {
                    result.add(new KeyDigest(key, RecordDigest.of(key, RecordCodec.decode(value))));
                }
                return true;
            });
        }
        return result;
    }

    private Set<String> rangesOf(TokenRing ring) {
        Set<String> ranges = new TreeSet<>();
        for (Map.Entry<Long, String> token : ring.tokenOwners()) {
            if (ring.preferenceListForToken(token.getKey(), rings.replicationFactor()).contains(self)) {
                ranges.add(ring.replicaSetForToken(token.getKey(), rings.replicationFactor()));
            }
        }
        return ranges;
    }
}
