package dev.kv.core.membership;

import dev.kv.core.placement.RangeTransfer;
import dev.kv.core.placement.Topology;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class TransitionRulesTest {

    private final Topology settled = Topology.of(List.of("n1", "n2", "n3", "n4"), 8, 3);

    @Test
    void theLowestLiveWaitingIdJoinsFirst() {
        assertThat(TransitionRules.joinBlocker(settled, "n5", List.of("n1", "n2", "n5", "n6"))).isEmpty();
        assertThat(TransitionRules.joinBlocker(settled, "n6", List.of("n1", "n5", "n6")))
                .hasValueSatisfying(reason -> assertThat(reason).startsWith("n5 is also waiting"));
        assertThat(TransitionRules.joinBlocker(settled, "n6", List.of("n1", "n6")))
                .as("a waiting joiner that is not alive does not hold the others up").isEmpty();
    }

    @Test
    void noJoinIsProposedWhileAnotherChangeIsUnderWay() {
        Topology leaving = settled.decommission("n2");
        assertThat(TransitionRules.joinBlocker(leaving, "n5", List.of("n5")))
                .hasValueSatisfying(reason -> assertThat(reason).contains("n2 is leaving"));
    }

    @Test
    void theChangingMemberCompletesItsChangeAndTheLowestLiveNormalMemberCompletesARemoval() {
        Topology joining = settled.join("n5");
        assertThat(TransitionRules.drivesCompletion(joining, "n5", List.of("n1", "n5"))).isTrue();
        assertThat(TransitionRules.drivesCompletion(joining, "n1", List.of("n1", "n5"))).isFalse();
        assertThat(TransitionRules.drivesCompletion(settled, "n1", List.of("n1"))).isFalse();

        Topology removing = settled.remove("n1");
        assertThat(TransitionRules.drivesCompletion(removing, "n2", List.of("n2", "n3", "n4"))).isTrue();
        assertThat(TransitionRules.drivesCompletion(removing, "n3", List.of("n2", "n3", "n4"))).isFalse();
        assertThat(TransitionRules.drivesCompletion(removing, "n3", List.of("n3", "n4")))
                .as("n2 is not alive: the next one drives").isTrue();
    }

    @Test
    void everyGainingMemberAndTheChangingOneTakePartButNotAMemberBeingRemoved() {
        Topology leaving = settled.decommission("n4");
        Set<String> participants = TransitionRules.participants(leaving);
        assertThat(participants).contains("n4");
        assertThat(participants).containsAll(leaving.transfers().stream().map(RangeTransfer::to).toList());

        Topology removing = settled.remove("n4");
        assertThat(TransitionRules.participants(removing)).doesNotContain("n4").isNotEmpty();
        assertThat(TransitionRules.participants(settled)).isEmpty();
    }

    @Test
    void aDecommissionedMembersPartIncludesItsHints() {
        Topology leaving = settled.decommission("n4");
        assertThat(TransitionRules.partDone(leaving, "n4", true, false)).isFalse();
        assertThat(TransitionRules.partDone(leaving, "n4", true, true)).isTrue();
        assertThat(TransitionRules.partDone(leaving, "n1", true, false)).isTrue();
        assertThat(TransitionRules.partDone(leaving, "n1", false, true)).isFalse();
    }

    @Test
    void aGainedRangeIsReadFromAMajorityOfItsLiveSourcesTheDisplacedOneFirst() {
        Topology joining = settled.join("n5");
        RangeTransfer transfer = joining.transfers().getFirst();
        String displaced = displaced(joining, transfer);
        TransitionRules.Sources quorum = TransitionRules.sources(transfer, joining, "n5", id -> true, false);
        assertThat(quorum.needed()).isEqualTo(2);
        assertThat(quorum.enough()).isTrue();
        assertThat(quorum.chosen()).hasSize(2).isSubsetOf(transfer.sources()).first().isEqualTo(displaced);
        assertThat(TransitionRules.sources(transfer, joining, "n5", id -> true, true).chosen())
                .containsExactlyInAnyOrderElementsOf(transfer.sources());

        String other = transfer.sources().stream().filter(id -> !id.equals(displaced)).findFirst().orElseThrow();
        TransitionRules.Sources otherDown = TransitionRules.sources(transfer, joining, "n5", id -> !id.equals(other),
                false);
        assertThat(otherDown.enough()).as("two live sources remain, the displaced one among them").isTrue();
        assertThat(otherDown.chosen()).doesNotContain(other);
    }

    @Test
    void aRangeWaitsForTheReplicaItsChangeDisplacesWhichMayHoldTheOnlyCopyOfAWrite() {
        Topology joining = settled.join("n5");
        RangeTransfer transfer = joining.transfers().getFirst();
        String displaced = displaced(joining, transfer);
        TransitionRules.Sources sources = TransitionRules.sources(transfer, joining, "n5",
                id -> !id.equals(displaced), false);
        assertThat(sources.enough()).isFalse();
        assertThat(sources.waitingFor()).isEqualTo(displaced);

        Topology leaving = settled.decommission("n2");
        for (RangeTransfer handedOver : leaving.transfers()) {
            assertThat(TransitionRules.sources(handedOver, leaving, handedOver.to(), id -> true, false).chosen())
                    .as("a decommissioned member hands its ranges over itself").first().isEqualTo("n2");
        }
    }

    @Test
    void aMemberBeingRemovedAsDeadIsNeverASourceNorWaitedFor() {
        Topology removing = settled.remove("n1");
        for (RangeTransfer removal : removing.transfers()) {
            TransitionRules.Sources sources = TransitionRules.sources(removal, removing, removal.to(),
                    id -> !id.equals("n1"), true);
            assertThat(sources.enough()).isTrue();
            assertThat(sources.chosen()).doesNotContain("n1").isNotEmpty();
        }
    }

    private static String displaced(Topology topology, RangeTransfer transfer) {
        List<String> target = topology.placementForToken(transfer.range().endInclusive()).target();
        List<String> displaced = transfer.sources().stream().filter(id -> !target.contains(id)).toList();
        assertThat(displaced).hasSize(1);
        return displaced.getFirst();
    }
}
