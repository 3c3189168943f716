package dev.kv.core.membership;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** Gossip and failure detection as a pure state machine, driven by a simulated network and clock. */
class MembershipTest {

    private final Map<String, Membership> nodes = new HashMap<>();
    private final Map<String, String> idByAddress = new HashMap<>();
    private final SplittableRandom random = new SplittableRandom(42);
    private long now = 1_000_000;

    private Membership start(String id, long generation) {
        String address = "http://" + id + ":7000";
        Membership membership = new Membership(new EndpointState(id, address, generation, 1, NodeStatus.NORMAL),
                Membership.DetectorSettings.defaults());
        nodes.put(id, membership);
        idByAddress.put(address, id);
        return membership;
    }

    /** One gossip round of every running node, SYN → ACK → ACK2 delivered instantly. */
    private void round(List<String> seeds, List<String> stopped) {
        now += 1000;
        for (Map.Entry<String, Membership> entry : new ArrayList<>(nodes.entrySet())) {
            if (stopped.contains(entry.getKey())) {
                continue;
            }
            Membership a = entry.getValue();
            a.tick();
            for (String target : a.gossipTargets(seeds, random, now)) {
                String targetId = idByAddress.get(target);
                if (stopped.contains(targetId)) {
                    continue;
                }
                Membership b = nodes.get(targetId);
                b.apply(List.of(a.local()), now);
                Membership.Ack ack = b.onSyn(a.digests(), now);
                b.apply(a.onAck(ack, now), now);
            }
        }
    }

    @Test
    void nodesStartedWithOnlyASeedLearnTheWholeCluster() {
        for (String id : List.of("n1", "n2", "n3", "n4", "n5")) {
            start(id, 1);
        }
        for (int i = 0; i < 10; i++) {
            round(List.of("http://n1:7000"), List.of());
        }
        for (Membership membership : nodes.values()) {
            assertThat(membership.members(now)).extracting(m -> m.state().nodeId())
                    .containsExactly("n1", "n2", "n3", "n4", "n5");
            assertThat(membership.members(now)).allMatch(m -> m.liveness() == Liveness.ALIVE);
        }
    }

    @Test
    void aSilentNodeIsJudgedDownByEveryOtherNodeAndARestartIsSeenAsANewGeneration() {
        for (String id : List.of("n1", "n2", "n3")) {
            start(id, 1);
        }
        List<String> seeds = List.of("http://n1:7000");
        for (int i = 0; i < 10; i++) {
            round(seeds, List.of());
        }
        int roundsUntilDown = 0;
        while (nodes.get("n1").liveness("n2", now) != Liveness.DOWN
                || nodes.get("n3").liveness("n2", now) != Liveness.DOWN) {
            round(seeds, List.of("n2"));
            roundsUntilDown++;
            assertThat(roundsUntilDown).as("rounds until n2 is judged down").isLessThan(10);
        }
        start("n2", 2);
        for (int i = 0; i < 5; i++) {
            round(seeds, List.of());
        }
        assertThat(nodes.get("n3").liveness("n2", now)).isEqualTo(Liveness.ALIVE);
        assertThat(nodes.get("n3").members(now)).filteredOn(m -> m.state().nodeId().equals("n2"))
                .singleElement().satisfies(m -> assertThat(m.state().generation()).isEqualTo(2));
    }

    @Test
    void aShutdownAnnouncementMarksTheNodeDownAtOnce() {
        Membership n1 = start("n1", 1);
        Membership n2 = start("n2", 1);
        round(List.of("http://n1:7000"), List.of());
        n2.announce(NodeStatus.SHUTDOWN);
        n1.apply(List.of(n2.local()), now);
        assertThat(n1.liveness("n2", now)).isEqualTo(Liveness.DOWN);
    }

    @Test
    void hearsayNeverOverwritesWhatTheNodeSaysAboutItself() {
        Membership n1 = start("n1", 5);
        n1.apply(List.of(new EndpointState("n1", "http://elsewhere:7000", 3, 99, NodeStatus.SHUTDOWN)), now);
        assertThat(n1.local().generation()).isEqualTo(5);
        n1.apply(List.of(new EndpointState("n1", "http://elsewhere:7000", 9, 99, NodeStatus.SHUTDOWN)), now);
        assertThat(n1.local().address()).isEqualTo("http://n1:7000");
        assertThat(n1.local().status()).isEqualTo(NodeStatus.NORMAL);
        assertThat(n1.local().generation()).as("past the earlier process it heard of").isEqualTo(10);
    }

    @Test
    void aNodeRestartedWithItsClockBehindItsPreviousStartIsHeardAgain() {
        for (String id : List.of("n1", "n2", "n3")) {
            start(id, 1_000);
        }
        List<String> seeds = List.of("http://n1:7000");
        for (int i = 0; i < 10; i++) {
            round(seeds, List.of());
        }
        while (nodes.get("n1").liveness("n2", now) != Liveness.DOWN) {
            round(seeds, List.of("n2"));
        }
        start("n2", 400); // its clock now reads earlier than when its previous process started
        for (int i = 0; i < 6; i++) {
            round(seeds, List.of());
        }
        assertThat(nodes.get("n2").local().generation()).isGreaterThan(1_000);
        assertThat(nodes.get("n1").liveness("n2", now)).isEqualTo(Liveness.ALIVE);
        assertThat(nodes.get("n3").liveness("n2", now)).isEqualTo(Liveness.ALIVE);
    }

    @Test
    void aForgottenMemberIsNotBroughtBackByStaleGossipButANewProcessOfItIsHeard() {
        start("n1", 1);
        start("n2", 1);
        Membership leaver = start("n3", 1);
        for (int i = 0; i < 3; i++) {
            round(List.of("http://n1:7000"), List.of());
        }
        EndpointState stale = leaver.local();
        nodes.get("n1").forget("n3");
        nodes.get("n2").forget("n3");
        assertThat(nodes.get("n1").members(now)).extracting(m -> m.state().nodeId()).containsExactly("n1", "n2");

        // n3's last state still circulates (a peer that has not forgotten it yet, a delayed message).
        nodes.get("n1").apply(List.of(stale, stale.withVersion(stale.version() + 5)), now);
        assertThat(nodes.get("n1").members(now)).extracting(m -> m.state().nodeId()).containsExactly("n1", "n2");

        // The node joins anew: a new process, a new generation.
        nodes.get("n1").apply(List.of(new EndpointState("n3", "http://n3:7000", 2, 1, NodeStatus.NORMAL)), now);
        assertThat(nodes.get("n1").members(now)).extracting(m -> m.state().nodeId())
                .containsExactly("n1", "n2", "n3");
    }
}
