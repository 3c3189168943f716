package dev.kv.node.gossip;

import dev.kv.core.membership.Membership;
import dev.kv.core.ring.TokenRing;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The token ring as this node sees it: every member gossip knows (down ones included: a down node keeps its ranges,
 * which is what hints and anti-entropy are for). Rebuilt only when the member set changes; must use the same virtual
 * node count and replication factor as the gateways.
 */
@Component
public class RingView {

    private final GossipService gossip;
    private final InstantSource clock;
    private final int virtualNodes;
    private final int replicationFactor;
    private volatile TokenRing ring = TokenRing.of(List.of(), 1);

    RingView(GossipService gossip, InstantSource clock, @Value("${kv.ring.virtual-nodes:256}") int virtualNodes,
             @Value("${kv.ring.replication-factor:3}") int replicationFactor) {
        this.gossip = gossip;
        this.clock = clock;
        this.virtualNodes = virtualNodes;
        this.replicationFactor = replicationFactor;
    }

    public TokenRing ring() {
        Membership membership = gossip.membership();
        if (membership == null) {
            return ring;
        }
        Set<String> members = new TreeSet<>();
        membership.members(clock.millis()).forEach(m -> members.add(m.state().nodeId()));
        TokenRing current = ring;
        if (!new TreeSet<>(current.members()).equals(members)) {
            current = TokenRing.of(new ArrayList<>(members), virtualNodes);
            ring = current;
        }
        return current;
    }

    public int replicationFactor() {
        return replicationFactor;
    }

    /** A range is named by its replica set: the sorted ids of the key's N home replicas, joined by '+'. */
    public String rangeOf(TokenRing ring, byte[] key) {
        return String.join("+", new TreeSet<>(ring.preferenceList(key, replicationFactor)));
    }
}
