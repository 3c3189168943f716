package dev.kv.core.placement;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class AdoptionTest {

    private final Topology first = Topology.of(List.of("n1", "n2", "n3", "n4"), 8, 3);

    @Test
    void onlyANewerTopologyIsAdopted() {
        Topology joining = first.join("n5");
        assertThat(Adoption.decide(joining, first, "n1").adopt()).isFalse();
        assertThat(Adoption.decide(joining, joining, "n1").adopt()).isFalse();
        assertThat(Adoption.decide(null, first, "n1").adopt()).isTrue();
    }

    @Test
    void aNodeDropsExactlyTheRangesItGainsBeforeItAdopts() {
        Topology joining = first.join("n5");
        Adoption atJoiner = Adoption.decide(first, joining, "n5");
        assertThat(atJoiner.adopt()).isTrue();
        assertThat(atJoiner.dropAll()).isFalse();
        assertThat(atJoiner.dropRanges()).isNotEmpty()
                .containsExactlyElementsOf(joining.transfers().stream().map(RangeTransfer::range).toList());

        Adoption atSource = Adoption.decide(first, joining, "n1");
        assertThat(atSource.dropRanges()).as("a join moves ranges to the joiner only").isEmpty();

        Topology leaving = first.decommission("n4");
        List<TokenRange> gainedByN1 = leaving.transfers().stream().filter(t -> t.to().equals("n1"))
                .map(RangeTransfer::range).toList();
        assertThat(gainedByN1).isNotEmpty();
        assertThat(Adoption.decide(first, leaving, "n1").dropRanges()).containsExactlyElementsOf(gainedByN1);
    }

    @Test
    void aNodeThatSawItsOwnDecommissionThroughStaysOutEvenIfItRestartedMeanwhile() {
        Topology leaving = first.decommission("n4");
        Adoption adoption = Adoption.decide(leaving, leaving.complete(), "n4");
        assertThat(adoption.dropAll()).isTrue();
        assertThat(adoption.staysOut()).as("the leaving state it held is all that counts, stored or not").isTrue();
    }

    @Test
    void aNodeThatLearnsOnlyNowThatItIsGoneDropsItsDataAndJoinsAnew() {
        Topology left = first.decommission("n4").complete();
        Adoption restoredFromBeforeItsDecommission = Adoption.decide(first, left, "n4");
        assertThat(restoredFromBeforeItsDecommission.dropAll()).isTrue();
        assertThat(restoredFromBeforeItsDecommission.staysOut()).isFalse();

        Topology removing = first.remove("n4");
        Adoption removedWhileDown = Adoption.decide(removing, removing.complete(), "n4");
        assertThat(removedWhileDown.dropAll()).isTrue();
        assertThat(removedWhileDown.staysOut()).as("a removed node may come back as a new member").isFalse();
    }

    @Test
    void aGoneNodeThatAlreadyKnowsItIsGoneDropsNothingMore() {
        Topology left = first.decommission("n4").complete();
        Topology later = left.join("n5");
        Adoption adoption = Adoption.decide(left, later, "n4");
        assertThat(adoption.adopt()).isTrue();
        assertThat(adoption.dropAll()).isFalse();
        assertThat(adoption.dropRanges()).isEmpty();
    }
}
