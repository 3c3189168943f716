package dev.kv.core.version;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class VersionVectorTest {

    private static VersionVector vector(Object... actorCounterPairs) {
        List<VersionVector.Entry> entries = new ArrayList<>();
        for (int i = 0; i < actorCounterPairs.length; i += 2) {
            entries.add(new VersionVector.Entry((String) actorCounterPairs[i],
                    ((Number) actorCounterPairs[i + 1]).longValue(), 0));
        }
        return VersionVector.of(entries);
    }

    @Test
    void concurrentVectorsAreSiblingsInBothDirections() {
        VersionVector a = vector("n1:1", 2, "n2:1", 1);
        VersionVector b = vector("n1:1", 1, "n2:1", 2);
        assertThat(a.compare(b)).isEqualTo(Causality.CONCURRENT);
        assertThat(b.compare(a)).isEqualTo(Causality.CONCURRENT);
        assertThat(a.merge(b).counters()).isEqualTo(Map.of("n1:1", 2L, "n2:1", 2L));
    }

    @Test
    void aMissingActorCountsAsZero() {
        VersionVector a = vector("n1:1", 1);
        VersionVector b = vector("n1:1", 1, "n2:1", 1);
        assertThat(a.compare(b)).isEqualTo(Causality.BEFORE);
        assertThat(b.compare(a)).isEqualTo(Causality.AFTER);
        assertThat(VersionVector.EMPTY.compare(a)).isEqualTo(Causality.BEFORE);
        assertThat(a.counter("n3:1")).isZero();
    }

    @Test
    void updateTimesTakeNoPartInEqualityOrCausality() {
        VersionVector early = VersionVector.of(List.of(new VersionVector.Entry("n1:1", 3, 10)));
        VersionVector late = VersionVector.of(List.of(new VersionVector.Entry("n1:1", 3, 99)));
        assertThat(early).isEqualTo(late).hasSameHashCodeAs(late);
        assertThat(early.compare(late)).isEqualTo(Causality.EQUAL);
    }

    @Test
    void ofKeepsTheHigherCounterOfARepeatedActorAndSortsByActor() {
        VersionVector v = VersionVector.of(List.of(new VersionVector.Entry("n2:1", 1, 0),
                new VersionVector.Entry("n1:1", 2, 0), new VersionVector.Entry("n1:1", 5, 0)));
        assertThat(v.entries()).extracting(VersionVector.Entry::actor).containsExactly("n1:1", "n2:1");
        assertThat(v.counter("n1:1")).isEqualTo(5);
    }

    @Test
    void countersBelowOneAndEmptyOrOverlongActorsAreRefused() {
        assertThatIllegalArgumentException().isThrownBy(() -> vector("n1:1", 0));
        assertThatIllegalArgumentException().isThrownBy(() -> vector("", 1));
        assertThatIllegalArgumentException().isThrownBy(() -> vector("x".repeat(256), 1));
        assertThatIllegalArgumentException().isThrownBy(() -> new Dot("n1:1", 0));
        assertThat(vector("x".repeat(255), 1).size()).isEqualTo(1);
    }

    @Test
    void pruneDropsTheLeastRecentlyAdvancedUnprotectedEntriesFirst() {
        VersionVector v = VersionVector.of(List.of(new VersionVector.Entry("a", 1, 30),
                new VersionVector.Entry("b", 1, 10), new VersionVector.Entry("c", 1, 20),
                new VersionVector.Entry("d", 1, 5)));
        assertThat(v.prune(2, List.of("d")).counters()).containsOnlyKeys("a", "d");
        assertThat(v.prune(4, List.of()).counters()).containsOnlyKeys("a", "b", "c", "d");
        assertThat(v.prune(1, List.of("b", "d")).counters()).containsOnlyKeys("b", "d");
    }
}
