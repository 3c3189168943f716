package dev.kv.core.membership;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** One member of a node's cluster view: its wire names, and the order in which gateways merge several nodes' views. */
class ClusterViewMessageTest {

    private static ClusterViewMessage.Member report(long generation, long version, boolean local) {
        return new ClusterViewMessage.Member("n2", "http://10.0.0.2:7101", generation, version, "normal", "alive",
                0.4, local, "normal");
    }

    @Test
    void aMemberIsReportedWithLowerCaseNamesAndReadBackTyped() {
        EndpointState state = new EndpointState("n2", "http://10.0.0.2:7101", 1700, 42, NodeStatus.SHUTDOWN);

        ClusterViewMessage.Member member = ClusterViewMessage.Member.of(state, Liveness.SUSPECT, 3.25, false,
                "leaving");

        assertThat(member).isEqualTo(new ClusterViewMessage.Member("n2", "http://10.0.0.2:7101", 1700, 42,
                "shutdown", "suspect", 3.25, false, "leaving"));
        assertThat(member.announced()).isEqualTo(NodeStatus.SHUTDOWN);
        assertThat(member.judgedLiveness()).isEqualTo(Liveness.SUSPECT);
    }

    @Test
    void aNameThatIsNoStatusOrLivenessIsRefusedWhenRead() {
        ClusterViewMessage.Member odd = new ClusterViewMessage.Member("n2", "http://10.0.0.2:7101", 1, 1, "busy",
                "gone", 0, false, null);

        assertThatThrownBy(odd::announced).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(odd::judgedLiveness).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aLaterGenerationSupersedesWhateverItsHeartbeat() {
        assertThat(report(2, 1, false).supersedes(report(1, 900, true))).isTrue();
        assertThat(report(1, 900, true).supersedes(report(2, 1, false))).isFalse();
    }

    @Test
    void inOneGenerationALaterHeartbeatSupersedes() {
        assertThat(report(1, 8, false).supersedes(report(1, 7, true))).isTrue();
        assertThat(report(1, 7, true).supersedes(report(1, 8, false))).isFalse();
    }

    @Test
    void ofTwoReportsOfOneHeartbeatTheMembersOwnWins() {
        assertThat(report(1, 7, true).supersedes(report(1, 7, false))).isTrue();
        assertThat(report(1, 7, false).supersedes(report(1, 7, true))).isFalse();
        assertThat(report(1, 7, false).supersedes(report(1, 7, false))).as("the report already held stays").isFalse();
    }

    @Test
    void theOrderIsGossipsOwn() {
        EndpointState older = new EndpointState("n2", "http://10.0.0.2:7101", 1, 7, NodeStatus.NORMAL);
        EndpointState newer = older.withVersion(8);

        assertThat(newer.supersedes(older)).isEqualTo(newer.digest().supersedes(older.digest())).isTrue();
        assertThat(older.supersedes(newer)).isEqualTo(older.digest().supersedes(newer.digest())).isFalse();
        assertThat(older.supersedes(older)).isFalse();
        assertThat(older.supersedes(null)).isTrue();
    }
}
