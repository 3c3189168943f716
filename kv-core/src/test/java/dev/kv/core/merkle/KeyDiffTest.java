package dev.kv.core.merkle;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class KeyDiffTest {

    /** Keys in the order given, with their version digests. */
    private static Map<String, Long> digests(Object... keysAndDigests) {
        Map<String, Long> digests = new LinkedHashMap<>();
        for (int i = 0; i < keysAndDigests.length; i += 2) {
            digests.put((String) keysAndDigests[i], ((Number) keysAndDigests[i + 1]).longValue());
        }
        return digests;
    }

    @Test
    void pullsWhatThePeerHoldsDifferentlyAndPushesWhatThisSideHoldsDifferently() {
        KeyDiff<String> diff = KeyDiff.between(digests("same", 1, "both", 2, "mine", 3),
                digests("same", 1, "both", 9, "theirs", 4));
        assertThat(diff.pull()).containsExactly("both", "theirs");
        assertThat(diff.push()).containsExactly("both", "mine");
        assertThat(diff.compared()).isEqualTo(4);
        assertThat(diff.differing()).isEqualTo(3);
    }

    @Test
    void equalDigestsMoveNothing() {
        KeyDiff<String> diff = KeyDiff.between(digests("a", 1, "b", 2), digests("b", 2, "a", 1));
        assertThat(diff.pull()).isEmpty();
        assertThat(diff.push()).isEmpty();
        assertThat(diff.compared()).isEqualTo(2);
        assertThat(diff.differing()).isZero();
        assertThat(diff.batches(10)).isEmpty();
    }

    @Test
    void batchesSliceTheDifferingKeysPullsFirstEachSliceItsPullThenItsPush() {
        KeyDiff<String> diff = KeyDiff.between(digests("b1", 1, "b2", 1, "m1", 1, "m2", 1),
                digests("b1", 2, "t1", 1, "b2", 2));
        // Differing keys in order: the pulls b1, t1, b2, then the keys only this side holds, m1, m2.
        assertThat(diff.batches(2)).containsExactly(
                new KeyDiff.Batch<>(List.of("b1", "t1"), List.of("b1")),
                new KeyDiff.Batch<>(List.of("b2"), List.of("b2", "m1")),
                new KeyDiff.Batch<>(List.of(), List.of("m2")));
        assertThat(diff.batches(100)).containsExactly(
                new KeyDiff.Batch<>(List.of("b1", "t1", "b2"), List.of("b1", "b2", "m1", "m2")));
        assertThat(diff.batches(1)).hasSize(diff.differing());
        assertThatIllegalArgumentException().isThrownBy(() -> diff.batches(0));
    }
}
