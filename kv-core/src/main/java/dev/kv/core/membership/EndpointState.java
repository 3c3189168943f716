package dev.kv.core.membership;

import dev.kv.core.cluster.MemberAddress;

/**
 * What gossip spreads about one node: where it is, its generation (the start time of its current process, so a
 * restart is visible as a new generation) and its heartbeat version (advanced every gossip round and on every status
 * change). A state with a higher generation, or the same generation and a higher version, supersedes another.
 *
 * @param nodeId     the node's id
 * @param address    base URL of its HTTP API, e.g. {@code http://10.0.0.5:7101}
 * @param generation process start time in epoch millis
 * @param version    heartbeat version within the generation
 * @param status     what the node announces
 * @throws IllegalArgumentException if the id or the address is malformed ({@link MemberAddress}): peers call the
 *                                  address with the cluster secret, so a state that would make them call anything
 *                                  else never exists
 */
public record EndpointState(String nodeId, String address, long generation, long version, NodeStatus status) {

    public EndpointState {
        MemberAddress.validateNodeId(nodeId);
        MemberAddress.validate(address);
        if (status == null) {
            throw new IllegalArgumentException("a member state needs a status");
        }
    }

    /** Whether this state was announced after {@code other} (see {@link Digest#supersedes}). */
    public boolean supersedes(EndpointState other) {
        return other == null || digest().supersedes(other.digest());
    }

    public Digest digest() {
        return new Digest(nodeId, generation, version);
    }

    public EndpointState withVersion(long newVersion) {
        return new EndpointState(nodeId, address, generation, newVersion, status);
    }

    public EndpointState withStatus(NodeStatus newStatus) {
        return new EndpointState(nodeId, address, generation, version + 1, newStatus);
    }

    /** The version summary sent in a gossip SYN. */
    public record Digest(String nodeId, long generation, long version) {

        /**
         * Whether a state of this version was announced after one of {@code other}'s: a higher generation (a later
         * process), or the same generation and a higher heartbeat version. The one order of gossip, also for the
         * gateways' merge of several nodes' views.
         */
        public boolean supersedes(Digest other) {
            return other == null || generation > other.generation
                    || (generation == other.generation && version > other.version);
        }

        boolean isOlderThan(EndpointState state) {
            return state.digest().supersedes(this);
        }

        boolean isNewerThan(EndpointState state) {
            return supersedes(state.digest());
        }
    }
}
