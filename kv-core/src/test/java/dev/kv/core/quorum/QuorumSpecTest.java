package dev.kv.core.quorum;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class QuorumSpecTest {

    private static QuorumSpec resolve(String consistency, String r, String w, String sloppy) {
        return QuorumSpec.resolve(consistency, r, w, sloppy, 3, QuorumSpec.STRONG);
    }

    private static void assertInvalid(Runnable call, String parameter) {
        assertThatThrownBy(call::run).isExactlyInstanceOf(InvalidParameterException.class)
                .satisfies(e -> assertThat(((InvalidParameterException) e).parameter()).isEqualTo(parameter))
                .hasMessageContaining(parameter);
    }

    @Test
    void thePresetsForThreeReplicasAreTheDocumentedOnes() {
        assertThat(QuorumSpec.preset("strong", 3)).isEqualTo(new QuorumSpec(2, 2, false, "strong"));
        assertThat(QuorumSpec.preset("eventual", 3)).isEqualTo(new QuorumSpec(1, 1, true, "eventual"));
        assertThat(QuorumSpec.preset("fast-write", 3)).isEqualTo(new QuorumSpec(3, 1, true, "fast-write"));
        assertThat(QuorumSpec.preset("fast-read", 3)).isEqualTo(new QuorumSpec(1, 3, false, "fast-read"));
    }

    @Test
    void onlyStrictPresetsWithOverlappingQuorumsAreStrong() {
        assertThat(QuorumSpec.preset("strong", 3).isStrongFor(3)).isTrue();
        assertThat(QuorumSpec.preset("fast-read", 3).isStrongFor(3)).isTrue();
        assertThat(QuorumSpec.preset("eventual", 3).isStrongFor(3)).isFalse();
        // R + W > N, but sloppy: hinted stand-ins may acknowledge the write, so a strict read can miss it.
        assertThat(QuorumSpec.preset("fast-write", 3).isStrongFor(3)).isFalse();
        assertThat(new QuorumSpec(1, 2, false, "custom").isStrongFor(3)).isFalse();
    }

    @Test
    void thePresetsScaleWithTheReplicationFactor() {
        assertThat(QuorumSpec.preset("strong", 5)).isEqualTo(new QuorumSpec(3, 3, false, "strong"));
        assertThat(QuorumSpec.preset("fast-read", 5)).isEqualTo(new QuorumSpec(1, 5, false, "fast-read"));
        assertThat(QuorumSpec.preset("strong", 1)).isEqualTo(new QuorumSpec(1, 1, false, "strong"));
        // An even replication factor needs a strict majority, or two quorums could miss each other.
        assertThat(QuorumSpec.preset("strong", 4)).isEqualTo(new QuorumSpec(3, 3, false, "strong"));
        assertThat(QuorumSpec.preset("strong", 4).isStrongFor(4)).isTrue();
        assertThat(QuorumSpec.preset("strong", 2)).isEqualTo(new QuorumSpec(2, 2, false, "strong"));
    }

    @Test
    void withoutAConsistencyTheClusterDefaultApplies() {
        assertThat(QuorumSpec.resolve(null, null, null, null, 3, "eventual").label()).isEqualTo("eventual");
        assertThat(QuorumSpec.resolve("  ", null, null, null, 3, "fast-read")).isEqualTo(
                new QuorumSpec(1, 3, false, "fast-read"));
        assertThat(resolve(" Strong ", null, null, null)).isEqualTo(new QuorumSpec(2, 2, false, "strong"));
    }

    @Test
    void explicitReadAndWriteCountsOverrideThePresetAndMakeItCustom() {
        assertThat(resolve("strong", "1", null, null)).isEqualTo(new QuorumSpec(1, 2, false, "custom"));
        assertThat(resolve("eventual", null, "3", null)).isEqualTo(new QuorumSpec(1, 3, true, "custom"));
        assertThat(resolve(null, "3", "1", null)).isEqualTo(new QuorumSpec(3, 1, false, "custom"));
        // Sloppiness alone does not change the counts, so the preset keeps its name.
        assertThat(resolve("strong", null, null, "true")).isEqualTo(new QuorumSpec(2, 2, true, "strong"));
        assertThat(resolve("eventual", null, null, "FALSE")).isEqualTo(new QuorumSpec(1, 1, false, "eventual"));
    }

    @Test
    void oneQuorumAndAllNameCountsRelativeToTheReplicationFactor() {
        assertThat(resolve(null, "one", "all", null)).extracting(QuorumSpec::r, QuorumSpec::w).containsExactly(1, 3);
        assertThat(resolve(null, "QUORUM", " quorum ", null)).extracting(QuorumSpec::r, QuorumSpec::w)
                .containsExactly(2, 2);
        assertThat(QuorumSpec.resolve(null, "quorum", "all", null, 5, "strong"))
                .extracting(QuorumSpec::r, QuorumSpec::w).containsExactly(3, 5);
        assertThat(QuorumSpec.resolve(null, "quorum", "quorum", null, 4, "strong"))
                .extracting(QuorumSpec::r, QuorumSpec::w).containsExactly(3, 3);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "4", "-1", "2147483647"})
    void countsOutsideOneToTheReplicationFactorAreRefusedNamingTheParameter(String count) {
        assertInvalid(() -> resolve(null, count, null, null), "r");
        assertInvalid(() -> resolve(null, null, count, null), "w");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "two", "2.5", "1e1", "99999999999", "0x2", "majority"})
    void garbageCountsAreRefusedNamingTheParameter(String count) {
        assertInvalid(() -> resolve(null, count, null, null), "r");
        assertInvalid(() -> resolve(null, null, count, null), "w");
    }

    @ParameterizedTest
    @ValueSource(strings = {"strongest", "quorum", "all", "fast_write", "1"})
    void unknownConsistencyPresetsAreRefusedNamingTheParameter(String consistency) {
        assertInvalid(() -> resolve(consistency, null, null, null), "consistency");
    }

    @ParameterizedTest
    @ValueSource(strings = {"yes", "1", "", "truth"})
    void sloppyMustBeTrueOrFalse(String sloppy) {
        assertInvalid(() -> resolve(null, null, null, sloppy), "sloppy");
    }
}
