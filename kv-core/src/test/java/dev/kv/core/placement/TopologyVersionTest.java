package dev.kv.core.placement;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The register that orders topologies: epochs, the proposer tie-break, completions, and the wire form. */
class TopologyVersionTest {

    private final Topology settled = Topology.of(List.of("n1", "n2", "n3"), 16, 3);

    @Test
    void twoJoinsProposedAtOnceAreOrderedTheSameWayEverywhereAndTheirCompletionsNeverShareAVersion() {
        Topology n4 = settled.join("n4");
        Topology n5 = settled.join("n5");

        assertThat(n4.version()).isEqualTo(new TopologyVersion(2, "n4"));
        assertThat(n5.supersedes(n4)).isTrue();
        assertThat(n4.supersedes(n5)).isFalse();
        assertThat(n4.supersedes(n4)).isFalse();
        assertThat(n4.complete().version()).isEqualTo(new TopologyVersion(3, "+n4"));
        assertThat(n4.complete().version()).isNotEqualTo(n5.complete().version());
        assertThat(n4.complete().supersedes(n5)).as("a later epoch wins whoever proposed it").isTrue();
    }

    @Test
    void theWireFormRoundTripsAndRejectsAnythingElse() {
        TopologyVersion completion = new TopologyVersion(8, "+n4");
        assertThat(TopologyVersion.parse(completion.toString())).isEqualTo(completion);
        assertThat(TopologyVersion.parse("1:")).isEqualTo(new TopologyVersion(1, ""));
        for (String bad : List.of("", "7", ":n4", "-1:n4", "7:n 4", "7:n4;x", "7:++n4", "x:n4")) {
            assertThatThrownBy(() -> TopologyVersion.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    /** The fence's shortcut agrees with parsing on every spelling, well-formed or not. */
    @Test
    void isWrittenAsAgreesWithParsing() {
        List<TopologyVersion> versions = List.of(new TopologyVersion(7, "n4"), new TopologyVersion(8, "+n4"),
                new TopologyVersion(1, ""), new TopologyVersion(123456789012345678L, "n1"));
        List<String> spellings = List.of("7:n4", "07:n4", "7:n44", "7:n", "8:+n4", "8:n4", "1:", "1", ":", ":n4",
                "-7:n4", "x7:n4", "7:n4 ", " 7:n4", "123456789012345678:n1", "1234567890123456789:n1",
                "0000000000000000007:n4", "7:+n4", "", "7:n4;x");
        for (TopologyVersion version : versions) {
            for (String text : spellings) {
                boolean parsed;
                try {
                    parsed = TopologyVersion.parse(text).equals(version);
                } catch (IllegalArgumentException e) {
                    parsed = false;
                }
                assertThat(version.isWrittenAs(text)).as(version + " vs '" + text + "'").isEqualTo(parsed);
            }
        }
        assertThat(new TopologyVersion(7, "n4").isWrittenAs(null)).isFalse();
    }

    @Test
    void aTopologyTravelsAsAMessageAndComesBackEqual() {
        Topology removing = Topology.of(List.of("n1", "n2", "n3", "n4"), 16, 3).remove("n2");
        Topology back = TopologyMessage.of(removing).toTopology(16, 3);

        assertThat(back.version()).isEqualTo(removing.version());
        assertThat(back.members()).isEqualTo(removing.members());
        assertThat(back.isBeingRemoved("n2")).isTrue();
        assertThat(back.transfers()).isEqualTo(removing.transfers());
    }

    @Test
    void aMessageWithAnUnknownStateOrABadIdIsRefused() {
        assertThatThrownBy(() -> new TopologyMessage("2:n4", java.util.Map.of("n4", "sleeping"), List.of())
                .toTopology(16, 3)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TopologyMessage("2:n4", java.util.Map.of("../n4", "normal"), List.of())
                .toTopology(16, 3)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TopologyMessage("2:n4", java.util.Map.of("n4", "normal"), List.of("n4"))
                .toTopology(16, 3)).as("only a leaving member can be under removal")
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aJoinerThatDiedIsRemovedAtOnceWithNothingToMove() {
        Topology joining = settled.join("n4");
        Topology removed = joining.remove("n4");

        assertThat(removed.state("n4")).isEqualTo(MemberState.REMOVED);
        assertThat(removed.inTransition()).isFalse();
        assertThat(removed.transfers()).isEmpty();
        assertThat(removed.currentRing().members()).containsExactly("n1", "n2", "n3");
        assertThat(removed.join("n5").state("n5")).as("the next change may start").isEqualTo(MemberState.JOINING);
    }
}
