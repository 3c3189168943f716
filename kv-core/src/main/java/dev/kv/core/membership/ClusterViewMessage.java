package dev.kv.core.membership;

import dev.kv.core.placement.StreamingProgress;
import dev.kv.core.placement.TopologyMessage;

import java.util.List;

/**
 * One node's view of the cluster as {@code GET /internal/v1/cluster} answers it (JSON): every member with what it
 * announces and how the answering node judges it, the ring's topology, and the node's own part in a membership change.
 * A gateway asks several nodes and keeps, member by member, the report heard last ({@link Member#supersedes}): one
 * node that is behind (it has not gossiped yet with a member that just restarted) must not make the view flap.
 *
 * @param observer  the answering node's id
 * @param members   every member it knows, itself included
 * @param topology  the ring's members and states as it holds them; null before it learned one
 * @param streaming what it is streaming in for the change under way
 * @param waiting   why it is not a member yet (another change under way, no answer from its seeds), or null
 */
public record ClusterViewMessage(String observer, List<Member> members, TopologyMessage topology,
                                 StreamingProgress streaming, String waiting) {

    /**
     * One member as the observer reports it. Two words that sound alike mean two things here, as on the wire since
     * the endpoint's first version: {@code status} is what the member announces about itself ({@link NodeStatus}),
     * {@code liveness} how the observer judges it ({@link Liveness}); both travel as lower-case names, read typed with
     * {@link #announced} and {@link #judgedLiveness}. (The gateway's public {@code /v1/cluster} calls the liveness
     * {@code status} and the announced status {@code announced}.)
     *
     * @param id         the member's id
     * @param address    its base URL
     * @param generation its process's start time (a restart is a new generation)
     * @param version    its heartbeat version within the generation
     * @param status     what it announces: {@code normal} or {@code shutdown}
     * @param liveness   how the observer judges it: {@code alive}, {@code suspect} or {@code down}
     * @param phi        the observer's suspicion of it (phi accrual, rounded to two decimals)
     * @param local      whether it is the observer itself
     * @param state      its place in the ring (joining, normal, leaving, left, removed) or {@code waiting} when it is
     *                   not a member of it; null from a node that does not say, which means {@code normal}
     */
    public record Member(String id, String address, long generation, long version, String status, String liveness,
                         double phi, boolean local, String state) {

        /** A member as an observer reports it: its gossiped state and the observer's judgement of it. */
        public static Member of(EndpointState endpoint, Liveness liveness, double phi, boolean local, String state) {
            return new Member(endpoint.nodeId(), endpoint.address(), endpoint.generation(), endpoint.version(),
                    endpoint.status().wireName(), liveness.wireName(), phi, local, state);
        }

        /**
         * What the member announces.
         *
         * @throws IllegalArgumentException if {@code status} names no {@link NodeStatus}
         */
        public NodeStatus announced() {
            return NodeStatus.ofWireName(status);
        }

        /**
         * How the observer judges the member.
         *
         * @throws IllegalArgumentException if {@code liveness} names no {@link Liveness}
         */
        public Liveness judgedLiveness() {
            return Liveness.ofWireName(liveness);
        }

        /**
         * Whether this report was heard after {@code other}'s, by gossip's own order (a later generation, then a
         * later heartbeat: {@link EndpointState.Digest#supersedes}); of two reports of the same heartbeat, the
         * member's own about itself wins. So each member is judged by the observer that heard from it last.
         */
        public boolean supersedes(Member other) {
            EndpointState.Digest mine = new EndpointState.Digest(id, generation, version);
            EndpointState.Digest theirs = new EndpointState.Digest(other.id, other.generation, other.version);
            return mine.supersedes(theirs) || !theirs.supersedes(mine) && local;
        }
    }
}
