package dev.kv.core.placement;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FenceTest {

    private final Topology first = Topology.of(List.of("n1", "n2", "n3"), 8, 3);
    private final Topology joining = first.join("n4");

    @Test
    void aRequestRoutedWithTheNodesOwnTopologyOrUnstampedPasses() {
        assertThat(Fence.of(joining, joining.version().toString())).isEqualTo(Fence.PASS);
        assertThat(Fence.of(joining, "02:n4")).as("another spelling of the same version").isEqualTo(Fence.PASS);
        assertThat(Fence.of(joining, null)).isEqualTo(Fence.PASS);
        assertThat(Fence.of(null, null)).isEqualTo(Fence.PASS);
    }

    @Test
    void anOlderRoutingIsStaleAndANewerOneFindsTheNodeBehind() {
        assertThat(Fence.of(joining, first.version().toString())).isEqualTo(Fence.STALE);
        assertThat(Fence.of(first, joining.version().toString())).isEqualTo(Fence.BEHIND);
        assertThat(Fence.of(first, joining.complete().version().toString())).isEqualTo(Fence.BEHIND);
        assertThat(Fence.of(null, first.version().toString())).as("a node that knows no ring yet")
                .isEqualTo(Fence.BEHIND);
    }

    @Test
    void competingChangesOfTheSameEpochAreOrderedByProposer() {
        Topology byN5 = first.join("n5");
        assertThat(Fence.of(byN5, joining.version().toString())).isEqualTo(Fence.STALE);
        assertThat(Fence.of(joining, byN5.version().toString())).isEqualTo(Fence.BEHIND);
    }

    @Test
    void aMalformedVersionIsRefusedAsInvalid() {
        assertThatThrownBy(() -> Fence.of(first, "seven")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Fence.of(first, "1:n1\r\nX: y")).isInstanceOf(IllegalArgumentException.class);
    }
}
