package dev.kv.core.merkle;

import dev.kv.core.codec.RecordBatchCodec;
import dev.kv.core.record.ConflictMode;
import dev.kv.core.record.Mutation;
import dev.kv.core.record.Record;
import dev.kv.core.ring.TokenRing;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class MerkleTreeTest {

    private static byte[] key(int i) {
        return ("key-" + i).getBytes(StandardCharsets.UTF_8);
    }

    private static Record write(String value) {
        return ConflictMode.VECTOR_CLOCK.versioning().write(Record.EMPTY,
                Mutation.put(value.getBytes(StandardCharsets.UTF_8), "text/plain", 0, null), "n1:1", 1L << 20, 1);
    }

    @Test
    void equalContentGivesEqualTreesWhateverTheOrderOfWrites() {
        MerkleTree a = new MerkleTree(3);
        MerkleTree b = new MerkleTree(3);
        for (int i = 0; i < 1000; i++) {
            a.update(TokenRing.tokenOf(key(i)), 0, RecordDigest.of(key(i), write("v" + i)));
        }
        for (int i = 999; i >= 0; i--) {
            b.update(TokenRing.tokenOf(key(i)), 0, RecordDigest.of(key(i), write("v" + i)));
        }
        assertThat(a.root()).isEqualTo(b.root());
    }

    @Test
    void descendingFromTheRootFindsExactlyTheLeavesThatDiffer() {
        MerkleTree a = new MerkleTree(3);
        MerkleTree b = new MerkleTree(3);
        for (int i = 0; i < 5000; i++) {
            long digest = RecordDigest.of(key(i), write("v" + i));
            a.update(TokenRing.tokenOf(key(i)), 0, digest);
            b.update(TokenRing.tokenOf(key(i)), 0, digest);
        }
        int changed = 1234;
        Record original = write("v" + changed);
        Record overwritten = ConflictMode.VECTOR_CLOCK.versioning().write(original,
                Mutation.put("other".getBytes(StandardCharsets.UTF_8), "text/plain", 0, null), "n2:1", 2L << 20, 2);
        b.update(TokenRing.tokenOf(key(changed)), RecordDigest.of(key(changed), original),
                RecordDigest.of(key(changed), overwritten));
        assertThat(a.root()).isNotEqualTo(b.root());

        int[] nodes = {0};
        for (int level = 0; level < a.depth(); level++) {
            nodes = MerkleTree.differingChildren(nodes, a.children(level, nodes), b.children(level, nodes));
            assertThat(nodes).hasSize(1);
        }
        assertThat(nodes[0]).isEqualTo(a.leafOf(TokenRing.tokenOf(key(changed))));
    }

    @Test
    void removingAKeyRestoresTheEarlierRoot() {
        MerkleTree tree = new MerkleTree(2);
        tree.update(TokenRing.tokenOf(key(1)), 0, 42);
        long before = tree.root();
        tree.update(TokenRing.tokenOf(key(2)), 0, 43);
        tree.update(TokenRing.tokenOf(key(2)), 43, 0);
        assertThat(tree.root()).isEqualTo(before);
    }

    @Test
    void leavesCoverTheTokenSpaceInOrder() {
        MerkleTree tree = new MerkleTree(3);
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 10_000; i++) {
            long token = random.nextLong();
            int leaf = tree.leafOf(token);
            assertThat(Long.compareUnsigned(token ^ Long.MIN_VALUE, tree.leafStartToken(leaf) ^ Long.MIN_VALUE))
                    .isGreaterThanOrEqualTo(0);
            if (leaf + 1 < tree.leafCount()) {
                assertThat(Long.compareUnsigned(token ^ Long.MIN_VALUE, tree.leafStartToken(leaf + 1) ^ Long.MIN_VALUE))
                        .isNegative();
            }
        }
        assertThat(tree.leafOf(Long.MIN_VALUE)).isZero();
        assertThat(tree.leafOf(Long.MAX_VALUE)).isEqualTo(tree.leafCount() - 1);
    }

    @Test
    void digestsIgnoreClockBookkeepingButSeeEveryVersionChange() {
        Record one = write("a");
        Record deleted = ConflictMode.VECTOR_CLOCK.versioning().write(one, Mutation.delete(null), "n1:1", 2L << 20, 2);
        assertThat(RecordDigest.of(key(1), one)).isNotEqualTo(RecordDigest.of(key(1), deleted));
        assertThat(RecordDigest.of(key(1), one)).isNotEqualTo(RecordDigest.of(key(2), one));
        assertThat(RecordDigest.of(key(1), Record.EMPTY)).isZero();
    }

    @Test
    void theRateLimiterSpreadsBytesOverTime() {
        AtomicLong now = new AtomicLong(0);
        ByteRateLimiter limiter = new ByteRateLimiter(() -> Instant.ofEpochMilli(now.get()), 1000);
        assertThat(limiter.delayMillisFor(1000)).isZero();
        assertThat(limiter.delayMillisFor(500)).isEqualTo(500);
        now.set(1500);
        assertThat(limiter.delayMillisFor(1000)).isZero();
    }

    @Test
    void recordBatchesRoundTrip() {
        List<RecordBatchCodec.KeyedRecord> batch = List.of(new RecordBatchCodec.KeyedRecord(key(1), write("x")),
                new RecordBatchCodec.KeyedRecord(key(2), write("y")));
        List<RecordBatchCodec.KeyedRecord> decoded = RecordBatchCodec.decode(RecordBatchCodec.encode(batch));
        assertThat(decoded).hasSize(2);
        assertThat(decoded.get(1).key()).isEqualTo(key(2));
        assertThat(decoded.get(1).record()).isEqualTo(write("y"));
    }
}
