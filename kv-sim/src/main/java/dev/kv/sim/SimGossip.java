package dev.kv.sim;

import dev.kv.core.membership.ClusterViewMessage;
import dev.kv.core.membership.EndpointState;
import dev.kv.core.membership.Liveness;
import dev.kv.core.membership.Membership;
import dev.kv.core.membership.NodeStatus;

import java.net.URI;
import java.util.List;

/**
 * A simulated node's failure detector: kv-core's {@link Membership} (heartbeats, the three-way SYN / ACK / ACK2
 * exchange, the merge of endpoint states, one phi-accrual detector per peer), gossiped over the simulated network as
 * kv-node's {@code GossipService} does, at a faster round. Every liveness decision of the simulated nodes (hint
 * targets, anti-entropy peers, streaming sources, the join order, who completes a removal) reads it.
 */
final class SimGossip {

    /** kv-node gossips every second; the simulation five times as fast, with the detector tuned to match. */
    static final long INTERVAL = 200;
    static final Membership.DetectorSettings DETECTOR = new Membership.DetectorSettings(8.0, 100, INTERVAL,
            INTERVAL / 4, INTERVAL / 2);

    private final SimNode node;
    private final Simulation world;
    private Membership membership;

    SimGossip(SimNode node, Simulation world) {
        this.node = node;
        this.world = world;
    }

    /** A new process: a new generation (its start time, as kv-node takes it), heard afresh by the peers. */
    void start(int started) {
        membership = new Membership(new EndpointState(node.id(), address(node.id()), node.millis(), 1,
                NodeStatus.NORMAL), DETECTOR);
        node.every(INTERVAL, started, () -> round(started));
    }

    /** Whether this node judges {@code id} alive, not even suspect (itself always): hints and exchanges go there. */
    boolean alive(String id) {
        return membership != null && membership.liveness(id, node.millis()) == Liveness.ALIVE;
    }

    /** Whether this node does not judge {@code id} down (alive or suspect): a streaming source may be read. */
    boolean notDown(String id) {
        return membership != null && membership.liveness(id, node.millis()) != Liveness.DOWN;
    }

    /** The nodes this node judges alive, itself included. */
    List<String> aliveIds() {
        if (membership == null) {
            return List.of(node.id());
        }
        return membership.members(node.millis()).stream().filter(m -> m.liveness() == Liveness.ALIVE)
                .map(m -> m.state().nodeId()).toList();
    }

    /** This node's view of every member, as kv-node's {@code /internal/v1/cluster} answers a gateway. */
    List<ClusterViewMessage.Member> report() {
        return membership.members(node.millis()).stream()
                .map(m -> ClusterViewMessage.Member.of(m.state(), m.liveness(), m.phi(), m.local(), null)).toList();
    }

    private void round(int started) {
        membership.tick();
        // Every node is a seed: a newcomer and a healed partition are found within a few rounds.
        List<String> seeds = world.nodeIds().stream().map(SimGossip::address).toList();
        for (String target : membership.gossipTargets(seeds, world.random(), node.millis())) {
            syn(world.node(URI.create(target).getHost()), started);
        }
    }

    /** A node's address as gossip carries it (a base URL; the host is the node's id). */
    static String address(String id) {
        return "http://" + id + ":7100";
    }

    private void syn(SimNode peer, int started) {
        List<EndpointState.Digest> digests = membership.digests();
        world.network().call(node.id(), peer.id(), "gossip-syn", SimConfig.REPLICA_TIMEOUT,
                () -> peer.gossip().membership.onSyn(digests, peer.millis()), () -> node.alive(started),
                (ack, failure) -> {
                    if (failure == null) {
                        List<EndpointState> requested = membership.onAck(ack, node.millis());
                        if (!requested.isEmpty()) {
                            world.network().send(node.id(), peer.id(), "gossip-ack2", "",
                                    () -> peer.gossip().apply(requested));
                        }
                    }
                });
    }

    private void apply(List<EndpointState> states) {
        if (node.running()) {
            membership.apply(states, node.millis());
        }
    }
}
