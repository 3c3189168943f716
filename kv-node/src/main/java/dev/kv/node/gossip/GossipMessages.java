package dev.kv.node.gossip;

import dev.kv.core.membership.EndpointState;

import java.util.List;

/** The JSON bodies of the gossip exchange (membership metadata only; no data travels this way). */
final class GossipMessages {

    private GossipMessages() {
    }

    /** SYN: who sends, and the version of every node the sender knows. */
    record Syn(EndpointState from, List<EndpointState.Digest> digests) {
    }

    /** ACK: states the receiver has newer than the SYN said, and the ids it wants in the ACK2. */
    record Ack(List<EndpointState> states, List<String> wanted) {
    }

    /** ACK2: the states the ACK asked for. */
    record Ack2(List<EndpointState> states) {
    }
}
