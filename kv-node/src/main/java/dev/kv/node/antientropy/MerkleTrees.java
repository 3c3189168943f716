package dev.kv.node.antientropy;

import dev.kv.core.codec.RecordCodec;
import dev.kv.core.merkle.MerkleTree;
import dev.kv.core.merkle.RecordDigest;
import dev.kv.core.record.Record;
import dev.kv.core.ring.TokenRing;
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
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One Merkle tree per range this node replicates (a range is a replica set: all token ranges whose preference list
 * is the same N nodes), kept current by every write through {@link RecordListener} and rebuilt from disk when the
 * ring changes or periodically. A rebuild races concurrent writes; a tree that is slightly off costs an exchange some
 * needless comparisons or defers a repair to the next rebuild, never correctness, because exchanges compare the
 * records' real digests read from disk before moving anything.
 */
@Component
public class MerkleTrees implements RecordListener {

    private static final Logger log = LoggerFactory.getLogger(MerkleTrees.class);

    /** A key in a leaf with its version digest. */
    public record KeyDigest(byte[] key, long digest) {
    }

    private record State(TokenRing ring, Map<String, MerkleTree> trees, long builtAtMillis) {
    }

    private final RingView rings;
    private final RocksStorage storage;
    private final String self;
    private final int depth;
    private final InstantSource clock;
    private volatile State state;

    MerkleTrees(RingView rings, RocksStorage storage, RecordStore store, NodeProperties node,
                AntiEntropyProperties properties, InstantSource clock) {
        this.rings = rings;
        this.storage = storage;
        this.self = node.id();
        this.depth = properties.depth();
        this.clock = clock;
        this.state = new State(TokenRing.of(List.of(), 1), Map.of(), 0);
        store.addListener(this);
    }

    @Override
    public void changed(byte[] key, Record before, Record after) {
        State current = state;
        MerkleTree tree = current.trees().get(rings.rangeOf(current.ring(), key));
        if (tree != null) {
            tree.update(TokenRing.tokenOf(key), RecordDigest.of(key, before), RecordDigest.of(key, after));
        }
    }

    /** Rebuilds when the ring changed since the last build or the trees are older than {@code maxAgeMillis}. */
    public void refreshIfStale(long maxAgeMillis) {
        TokenRing ring = rings.ring();
        State current = state;
        if (current.ring() != ring || clock.millis() - current.builtAtMillis() > maxAgeMillis) {
            rebuild(ring);
        }
    }

    public synchronized void rebuild(TokenRing ring) {
        long start = clock.millis();
        Map<String, MerkleTree> trees = new HashMap<>();
        for (String range : rangesOf(ring)) {
            trees.put(range, new MerkleTree(depth));
        }
        long[] keys = {0};
        storage.forEach((storageKey, value) -> {
            byte[] key = StorageKeys.userKey(storageKey);
            MerkleTree tree = trees.get(rings.rangeOf(ring, key));
            if (tree != null) {
                tree.update(StorageKeys.token(storageKey), 0, RecordDigest.of(key, RecordCodec.decode(value)));
                keys[0]++;
            }
            return true;
        });
        state = new State(ring, trees, clock.millis());
        log.info("Merkle trees rebuilt: {} ranges, {} keys, {} ms", trees.size(), keys[0], clock.millis() - start);
    }

    /** The ranges of the current ring that include this node, with their replicas. */
    public Map<String, List<String>> ranges() {
        Map<String, List<String>> result = new TreeMap<>();
        for (String range : state.trees().keySet()) {
            result.put(range, List.of(range.split("\\+")));
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
            List<String> replicas = ring.preferenceListForToken(token.getKey(), rings.replicationFactor());
            if (replicas.contains(self)) {
                ranges.add(String.join("+", new TreeSet<>(replicas)));
            }
        }
        return ranges;
    }
}
