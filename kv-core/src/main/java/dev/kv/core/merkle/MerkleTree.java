package dev.kv.core.merkle;

import dev.kv.core.ring.Murmur3;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A fixed-shape Merkle tree over the token space: {@code 16^depth} leaves, each covering an equal slice of tokens,
 * each holding the XOR of the digests of the keys in its slice. XOR makes updates incremental and order-free: a write
 * replaces a key's old digest by its new one with two XORs, no rescan. Inner hashes are derived from the leaves when
 * asked for (cheap: a few thousand longs) and cached until the next change.
 *
 * <p>Two replicas compare roots, then the children of differing nodes level by level, so only differing subtrees are
 * descended into; the differing leaves name the token slices whose keys must be compared. Thread-safe.
 */
public final class MerkleTree {

    public static final int FANOUT = 16;

    private final int depth;
    private final long[] leaves;
    private long[][] levels;

    public MerkleTree(int depth) {
        if (depth < 1 || depth > 5) {
            throw new IllegalArgumentException("depth must be 1..5");
        }
        this.depth = depth;
        this.leaves = new long[(int) Math.pow(FANOUT, depth)];
    }

    public int depth() {
        return depth;
    }

    public int leafCount() {
        return leaves.length;
    }

    /** How many nodes {@code level} has (0 is the root: one). */
    public int nodeCount(int level) {
        return (int) Math.pow(FANOUT, level);
    }

    /** The leaf covering a token: the token's high bits, with the signed token space shifted to unsigned order. */
    public int leafOf(long token) {
        int bits = Integer.numberOfTrailingZeros(leaves.length);
        return (int) ((token ^ Long.MIN_VALUE) >>> (64 - bits));
    }

    /** The first token of a leaf's slice (signed form) and the first token after it, for range scans. */
    public long leafStartToken(int leaf) {
        int bits = Integer.numberOfTrailingZeros(leaves.length);
        return ((long) leaf << (64 - bits)) ^ Long.MIN_VALUE;
    }

    /** Replaces {@code oldDigest} (0 when the key was absent) by {@code newDigest} (0 when it is gone). */
    public synchronized void update(long token, long oldDigest, long newDigest) {
        leaves[leafOf(token)] ^= oldDigest ^ newDigest;
        levels = null;
    }

    public synchronized void clear() {
        Arrays.fill(leaves, 0);
        levels = null;
    }

    public synchronized long root() {
        return levels()[0][0];
    }

    /** The hashes of the children of the given nodes at {@code level} (0 is the root), 16 per node. */
    public synchronized long[] children(int level, int[] nodes) {
        if (level < 0 || level >= depth) {
            throw new IllegalArgumentException("level must be 0.." + (depth - 1));
        }
        long[][] all = levels();
        long[] result = new long[nodes.length * FANOUT];
        for (int i = 0; i < nodes.length; i++) {
            System.arraycopy(all[level + 1], nodes[i] * FANOUT, result, i * FANOUT, FANOUT);
        }
        return result;
    }

    /** Children of {@code nodes} at {@code level} whose hashes differ between two answers of {@link #children}. */
    public static int[] differingChildren(int[] nodes, long[] mine, long[] theirs) {
        List<Integer> differing = new ArrayList<>();
        for (int i = 0; i < mine.length; i++) {
            if (mine[i] != theirs[i]) {
                differing.add(nodes[i / FANOUT] * FANOUT + i % FANOUT);
            }
        }
        return differing.stream().mapToInt(Integer::intValue).toArray();
    }

    private long[][] levels() {
        if (levels == null) {
            long[][] computed = new long[depth + 1][];
            computed[depth] = leaves.clone();
            for (int level = depth - 1; level >= 0; level--) {
                long[] below = computed[level + 1];
                long[] here = new long[below.length / FANOUT];
                for (int i = 0; i < here.length; i++) {
                    long hash = 0x9E3779B97F4A7C15L;
                    for (int c = 0; c < FANOUT; c++) {
                        hash = Murmur3.finalMix(hash ^ below[i * FANOUT + c]);
                    }
                    here[i] = hash;
                }
                computed[level] = here;
            }
            levels = computed;
        }
        return levels;
    }
}
