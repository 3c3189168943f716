package dev.kv.core.placement;

import dev.kv.core.ring.TokenRing;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The two placements of a membership change and its data movement, measured on sampled keys with 256 vnodes. */
class TopologyTest {

    private static final int SAMPLE = 20_000;

    private static byte[] key(int i) {
        return ("user/" + i).getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aJoinerIsWrittenToButNotReadFromUntilTheTransitionCompletes() {
        Topology joining = Topology.of(List.of("n1", "n2", "n3"), 256, 3).join("n4");

        int moving = 0;
        for (int i = 0; i < SAMPLE; i++) {
            Placement placement = joining.placement(key(i));
            assertThat(placement.current()).doesNotContain("n4").hasSize(3);
            if (placement.moving()) {
                moving++;
                assertThat(placement.target()).contains("n4");
                assertThat(placement.writeReplicas()).hasSize(4);
            }
        }
        // The joiner becomes a replica of N/M = 3/4 of the keys, and nothing else moves.
        assertThat(moving / (double) SAMPLE).isBetween(0.65, 0.85);
        assertThat(joining.transfers()).allMatch(t -> t.to().equals("n4"));
        assertThat(joining.complete().currentRing().members()).containsExactly("n1", "n2", "n3", "n4");
    }

    @Test
    void theTransfersCoverExactlyTheKeysWhoseReplicasChange() {
        Topology leaving = Topology.of(List.of("n1", "n2", "n3", "n4", "n5"), 256, 3).decommission("n2");
        List<RangeTransfer> transfers = leaving.transfers();

        for (int i = 0; i < SAMPLE; i++) {
            long token = TokenRing.tokenOf(key(i));
            Placement placement = leaving.placementForToken(token);
            Set<String> gaining = placement.target().stream().filter(id -> !placement.current().contains(id))
                    .collect(Collectors.toSet());
            Set<String> receiving = transfers.stream().filter(t -> t.range().contains(token))
                    .map(RangeTransfer::to).collect(Collectors.toSet());
            assertThat(receiving).as("key %d", i).isEqualTo(gaining);
            transfers.stream().filter(t -> t.range().contains(token))
                    .forEach(t -> assertThat(t.sources()).isEqualTo(placement.current()));
        }
        assertThat(transfers).noneMatch(t -> t.to().equals("n2"));
    }

    @Test
    void sourcesNeededSeeEveryWriteAcknowledgedAtW() {
        RangeTransfer transfer = new RangeTransfer(new TokenRange(0, 10), "n4", List.of("n1", "n2", "n3"));

        assertThat(transfer.sourcesNeeded(1)).isEqualTo(3);
        assertThat(transfer.sourcesNeeded(2)).isEqualTo(2);
        assertThat(transfer.sourcesNeeded(3)).isEqualTo(1);
    }

    @Test
    void aTokenRangeWrapsAroundTheEndOfTheTokenSpace() {
        TokenRange wrapping = new TokenRange(100, -100);

        assertThat(wrapping.contains(Long.MAX_VALUE)).isTrue();
        assertThat(wrapping.contains(Long.MIN_VALUE)).isTrue();
        assertThat(wrapping.contains(-100)).isTrue();
        assertThat(wrapping.contains(0)).isFalse();
        assertThat(wrapping.contains(100)).isFalse();
        assertThat(new TokenRange(-5, 5).contains(5)).isTrue();
        assertThat(new TokenRange(-5, 5).contains(-5)).isFalse();
    }

    @Test
    void everyChangeTakesTheNextEpoch() {
        Topology settled = Topology.of(List.of("n1", "n2", "n3", "n4"), 16, 3);
        Topology leaving = settled.decommission("n4");
        Topology left = leaving.complete();
        Topology back = left.join("n4");

        assertThat(List.of(settled.epoch(), leaving.epoch(), left.epoch(), back.epoch()))
                .containsExactly(1L, 2L, 3L, 4L);
        assertThat(left.state("n4")).isEqualTo(MemberState.LEFT);
        assertThat(back.state("n4")).isEqualTo(MemberState.JOINING);
        assertThat(settled.remove("n1").isBeingRemoved("n1")).isTrue();
        assertThat(leaving.isBeingRemoved("n4")).isFalse();
    }

    /**
     * Cleanup drops whole ranges: exactly the tokens a member replicates in neither placement, at the boundaries too.
     */
    @Test
    void theRangesNotReplicatedAreExactlyTheTokensAMemberHoldsInNeitherPlacement() {
        List<Topology> topologies = List.of(
                Topology.of(List.of("n1", "n2", "n3", "n4"), 256, 3),
                Topology.of(List.of("n1", "n2", "n3", "n4"), 16, 3),
                Topology.of(List.of("n1", "n2", "n3"), 256, 3).join("n4"),
                Topology.of(List.of("n1", "n2", "n3", "n4", "n5"), 64, 3).decommission("n2"),
                Topology.of(List.of("n1", "n2", "n3", "n4", "n5"), 4, 2),
                Topology.of(List.of("n1", "n2", "n3"), 8, 3),
                Topology.of(List.of("n1", "n2", "n3", "n4"), 1, 1));
        java.util.Random random = new java.util.Random(12);
        for (Topology topology : topologies) {
            List<Long> probes = new java.util.ArrayList<>();
            for (TokenRing ring : List.of(topology.currentRing(), topology.targetRing())) {
                ring.tokenOwners().forEach(t -> {
                    probes.add(t.getKey());
                    probes.add(t.getKey() + 1);
                    probes.add(t.getKey() - 1);
                });
            }
            for (int i = 0; i < 5_000; i++) {
                probes.add(random.nextLong());
            }
            probes.addAll(List.of(Long.MIN_VALUE, Long.MAX_VALUE, 0L));
            for (String member : topology.members().keySet()) {
                List<TokenRange> dropped = topology.rangesNotReplicatedBy(member);
                for (long token : probes) {
                    long covering = dropped.stream().filter(r -> r.contains(token)).count();
                    assertThat(covering).as("%s token %d in %s", member, token, topology.version())
                            .isEqualTo(topology.replicates(member, token) ? 0 : 1);
                }
            }
        }
    }
}
