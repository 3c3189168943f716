package dev.kv.core.version;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The partial-order and join-semilattice laws that replication relies on, checked over small vectors. */
class VersionVectorProperties {

    private static final List<String> ACTORS = List.of("n1:1", "n2:1", "n3:1", "n1:2");
    private static final List<String> MANY_ACTORS = List.of("a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k",
            "l");

    @Provide
    Arbitrary<VersionVector> vectors() {
        return vectorsOver(ACTORS, 4);
    }

    @Provide
    Arbitrary<VersionVector> largeVectors() {
        return vectorsOver(MANY_ACTORS, 3);
    }

    private static Arbitrary<VersionVector> vectorsOver(List<String> actors, int maxCounter) {
        Arbitrary<VersionVector.Entry> entries = Combinators.combine(Arbitraries.of(actors),
                        Arbitraries.longs().between(1, maxCounter), Arbitraries.longs().between(0, 20))
                .as(VersionVector.Entry::new);
        return entries.list().ofMaxSize(actors.size()).map(VersionVector::of);
    }

    private static Causality oracle(VersionVector a, VersionVector b) {
        Set<String> actors = new HashSet<>(a.counters().keySet());
        actors.addAll(b.counters().keySet());
        boolean aAhead = false;
        boolean bAhead = false;
        for (String actor : actors) {
            aAhead |= a.counter(actor) > b.counter(actor);
            bAhead |= a.counter(actor) < b.counter(actor);
        }
        return aAhead && bAhead ? Causality.CONCURRENT
                : aAhead ? Causality.AFTER : bAhead ? Causality.BEFORE : Causality.EQUAL;
    }

    @Property
    void compareAgreesWithAnEntryByEntryComparisonOfCounters(@ForAll("vectors") VersionVector a,
                                                             @ForAll("vectors") VersionVector b) {
        assertThat(a.compare(b)).isEqualTo(oracle(a, b));
        assertThat(a.dominatesOrEquals(b)).isEqualTo(oracle(a, b) == Causality.AFTER
                || oracle(a, b) == Causality.EQUAL);
    }

    @Property
    void compareIsReflexive(@ForAll("vectors") VersionVector a) {
        assertThat(a.compare(a)).isEqualTo(Causality.EQUAL);
        assertThat(a.compare(VersionVector.of(a.entries()))).isEqualTo(Causality.EQUAL);
    }

    @Property
    void compareIsAntisymmetric(@ForAll("vectors") VersionVector a, @ForAll("vectors") VersionVector b) {
        Causality forward = a.compare(b);
        Causality backward = b.compare(a);
        assertThat(forward == Causality.BEFORE).isEqualTo(backward == Causality.AFTER);
        assertThat(forward == Causality.AFTER).isEqualTo(backward == Causality.BEFORE);
        assertThat(forward == Causality.CONCURRENT).isEqualTo(backward == Causality.CONCURRENT);
        assertThat(forward == Causality.EQUAL).isEqualTo(backward == Causality.EQUAL).isEqualTo(a.equals(b));
    }

    /** Chains a &lt; b &lt; c are rare among random triples, so b and c are built to dominate what precedes them. */
    @Property
    void beforeIsTransitive(@ForAll("vectors") VersionVector a, @ForAll("vectors") VersionVector x,
                            @ForAll("vectors") VersionVector y) {
        VersionVector b = a.merge(x);
        VersionVector c = b.merge(y);
        if (a.compare(b) == Causality.BEFORE && b.compare(c) == Causality.BEFORE) {
            assertThat(a.compare(c)).isEqualTo(Causality.BEFORE);
        }
        assertThat(c.dominatesOrEquals(a)).isTrue();
    }

    @Property
    void beforeIsTransitiveOnArbitraryTriples(@ForAll("vectors") VersionVector a, @ForAll("vectors") VersionVector b,
                                              @ForAll("vectors") VersionVector c) {
        if (a.compare(b) == Causality.BEFORE && b.compare(c) == Causality.BEFORE) {
            assertThat(a.compare(c)).isEqualTo(Causality.BEFORE);
        }
        if (a.dominatesOrEquals(b) && b.dominatesOrEquals(c)) {
            assertThat(a.dominatesOrEquals(c)).isTrue();
        }
    }

    @Property
    void mergeIsCommutative(@ForAll("vectors") VersionVector a, @ForAll("vectors") VersionVector b) {
        // Equality is causal content only; update times are pruning bookkeeping and may differ when two vectors
        // are causally equal but stamped differently (merge then returns the receiver unchanged).
        assertThat(a.merge(b)).isEqualTo(b.merge(a));
    }

    @Property
    void mergeIsAssociative(@ForAll("vectors") VersionVector a, @ForAll("vectors") VersionVector b,
                            @ForAll("vectors") VersionVector c) {
        assertThat(a.merge(b).merge(c)).isEqualTo(a.merge(b.merge(c)));
    }

    @Property
    void mergeIsIdempotent(@ForAll("vectors") VersionVector a, @ForAll("vectors") VersionVector b) {
        assertThat(a.merge(a)).isEqualTo(a);
        assertThat(a.merge(b).merge(b)).isEqualTo(a.merge(b));
    }

    @Property
    void mergeIsTheLeastUpperBound(@ForAll("vectors") VersionVector a, @ForAll("vectors") VersionVector b,
                                   @ForAll("vectors") VersionVector c) {
        VersionVector merged = a.merge(b);
        assertThat(merged.dominatesOrEquals(a)).isTrue();
        assertThat(merged.dominatesOrEquals(b)).isTrue();
        for (String actor : ACTORS) {
            assertThat(merged.counter(actor)).isEqualTo(Math.max(a.counter(actor), b.counter(actor)));
        }
        if (c.dominatesOrEquals(a) && c.dominatesOrEquals(b)) {
            assertThat(c.dominatesOrEquals(merged)).isTrue();
        }
    }

    @Property
    void coversADotExactlyWhenTheActorsCounterReachesIt(@ForAll("vectors") VersionVector a,
                                                        @ForAll("actors") String actor,
                                                        @ForAll @IntRange(min = 1, max = 6) int counter) {
        assertThat(a.covers(new Dot(actor, counter))).isEqualTo(a.counter(actor) >= counter);
    }

    @Property
    void withDotRecordsTheDotAndChangesNothingElse(@ForAll("vectors") VersionVector a, @ForAll("actors") String actor,
                                                   @ForAll @IntRange(min = 1, max = 6) int counter) {
        Dot dot = new Dot(actor, counter);
        VersionVector after = a.withDot(dot, 99);
        assertThat(after.covers(dot)).isTrue();
        assertThat(after.dominatesOrEquals(a)).isTrue();
        assertThat(after.counter(actor)).isEqualTo(Math.max(a.counter(actor), counter));
        for (String other : ACTORS) {
            if (!other.equals(actor)) {
                assertThat(after.counter(other)).isEqualTo(a.counter(other));
            }
        }
        if (a.covers(dot)) {
            assertThat(after).isEqualTo(a);
        }
    }

    @Property
    void pruneKeepsAtMostTheLimitAndNeverDropsAProtectedActor(
            @ForAll("largeVectors") VersionVector vector, @ForAll @IntRange(min = 0, max = 8) int limit,
            @ForAll("protectedActors") Set<String> keep) {
        VersionVector pruned = vector.prune(limit, keep);
        Map<String, Long> before = vector.counters();
        Map<String, Long> after = pruned.counters();

        long protectedPresent = before.keySet().stream().filter(keep::contains).count();
        assertThat(pruned.size()).isLessThanOrEqualTo(Math.max(limit, (int) protectedPresent));
        if (vector.size() <= limit) {
            assertThat(pruned).isEqualTo(vector);
        } else {
            assertThat(pruned.size()).isEqualTo(Math.max(limit, (int) protectedPresent));
        }
        for (String actor : before.keySet()) {
            if (keep.contains(actor)) {
                assertThat(after).containsEntry(actor, before.get(actor));
            }
        }
        // Pruning only forgets: whatever remains is unchanged.
        assertThat(before.entrySet()).containsAll(after.entrySet());
        assertThat(vector.dominatesOrEquals(pruned)).isTrue();
        // The least recently advanced unprotected entries go first.
        for (VersionVector.Entry dropped : vector.entries()) {
            if (after.containsKey(dropped.actor())) {
                continue;
            }
            for (VersionVector.Entry kept : pruned.entries()) {
                if (!keep.contains(kept.actor())) {
                    assertThat(dropped.updatedAtMillis()).isLessThanOrEqualTo(kept.updatedAtMillis());
                }
            }
        }
    }

    @Provide
    Arbitrary<String> actors() {
        return Arbitraries.of(ACTORS);
    }

    @Provide
    Arbitrary<Set<String>> protectedActors() {
        return Arbitraries.subsetOf(MANY_ACTORS).ofMaxSize(10);
    }
}
