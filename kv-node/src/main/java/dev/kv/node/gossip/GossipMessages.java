package dev.kv.node.gossip;

import dev.kv.core.membership.EndpointState;
import dev.kv.core.placement.TopologyMessage;

import java.util.List;

/**
 * The JSON bodies of the gossip exchange (membership metadata only; no data travels this way). SYN and ACK also carry
 * the sender's topology (members and their states), which the receiver adopts when it is newer than its own.
 */
final class GossipMessages {

    private GossipMessages() {
    }

    /** SYN: who sends, and the version of every node the sender knows. */
    record Syn(EndpointState from, List<EndpointState.Digest> digests, TopologyMessage topology) {
    }

    /** ACK: states the receiver has newer than the SYN said, and the ids it wants in the ACK2. */
    record Ack(List<EndpointState> states, List<String> wanted, TopologyMessage topology) {
    }

    /** ACK2: the states the ACK asked for. */
    record Ack2(List<EndpointState> states) {
    }
}
