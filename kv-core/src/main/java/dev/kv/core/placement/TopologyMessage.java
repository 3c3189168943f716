package dev.kv.core.placement;

import dev.kv.core.cluster.MemberAddress;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A topology as it travels (JSON) in gossip, cluster views, in pushes of a new change, in fenced answers and on disk.
 *
 * @param version  {@code epoch:proposer}
 * @param members  every member's state: joining, normal, leaving, left, removed
 * @param removals leaving members that are being removed as dead
 */
public record TopologyMessage(String version, Map<String, String> members, List<String> removals) {

    public static TopologyMessage of(Topology topology) {
        Map<String, String> members = new TreeMap<>();
        topology.members().forEach((id, state) -> members.put(id, state.name().toLowerCase(Locale.ROOT)));
        return new TopologyMessage(topology.version().toString(), members, List.copyOf(topology.removals()));
    }

    /** @throws IllegalArgumentException if the message is malformed */
    public Topology toTopology(int virtualNodes, int replicationFactor) {
        if (version == null || members == null) {
            throw new IllegalArgumentException("a topology needs a version and members");
        }
        Map<String, MemberState> states = new TreeMap<>();
        members.forEach((id, state) -> {
            MemberAddress.validateNodeId(id);
            states.put(id, MemberState.valueOf(String.valueOf(state).toUpperCase(Locale.ROOT)));
        });
        return Topology.of(TopologyVersion.parse(version), states, removals == null ? List.of() : removals,
                virtualNodes, replicationFactor);
    }
}
