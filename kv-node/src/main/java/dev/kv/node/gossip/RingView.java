package dev.kv.node.gossip;

import dev.kv.core.placement.Topology;
import dev.kv.core.ring.TokenRing;
import dev.kv.node.membership.TopologyService;
import org.springframework.stereotype.Component;

import java.util.List;

/**
 * The token ring this node replicates by: the current placement of its topology (normal and leaving members; a down
 * node keeps its ranges, which is what hints and anti-entropy are for). Empty until the node has learned the ring.
 * Must use the same virtual node count and replication factor as the gateways.
 */
@Component
public class RingView {

    private static final TokenRing EMPTY = TokenRing.of(List.of(), 1);

    private final TopologyService topologies;
    private volatile TokenRing ring = EMPTY;

    RingView(TopologyService topologies) {
        this.topologies = topologies;
    }

    /**
     * The current ring; the same instance for as long as its members are the same, so a change that does not move
     * reads (a join or a decommission starting) does not make every node rebuild its Merkle trees.
     */
    public TokenRing ring() {
        TokenRing latest = topologies.current().map(Topology::currentRing).orElse(EMPTY);
        TokenRing known = ring;
        if (latest != known && !latest.members().equals(known.members())) {
            ring = latest;
            return latest;
        }
        return known;
    }

    public int replicationFactor() {
        return topologies.replicationFactor();
    }

    /** A range is named by its replica set: the sorted ids of the key's N home replicas, joined by '+'. */
    public String rangeOf(TokenRing ring, byte[] key) {
        return ring.replicaSetOf(key, replicationFactor());
    }

    /** The replicas a range is named by ({@link #rangeOf}). */
    public static List<String> replicasOf(String range) {
        return List.of(range.split("\\+"));
    }
}
