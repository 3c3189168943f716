package dev.kv.core.coordination;

import dev.kv.core.hints.SloppyPlacement;
import dev.kv.core.placement.Placement;
import dev.kv.core.placement.TopologyMessage;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A view for the coordination tests: replicas a, b, c; stand-ins d, e beyond them; nodes can be marked down, or
 * unknown (in the topology, but without an address in the view).
 */
final class FixedRouting implements ClusterRouting {

    final Set<String> down = new HashSet<>();
    final Set<String> unknown = new HashSet<>();
    final List<TopologyMessage> adopted = new ArrayList<>();
    List<String> replicas = List.of("a", "b", "c");
    String topology = "1:a";

    @Override
    public Route route(byte[] key) {
        return new Route(new Placement(replicas, replicas), topology);
    }

    @Override
    public boolean isUsable(String node) {
        return !down.contains(node);
    }

    @Override
    public boolean isAddressable(String node) {
        return !unknown.contains(node);
    }

    @Override
    public SloppyPlacement.Placement hintHolder(byte[] key, String replica, Set<String> excluded) {
        for (String standIn : List.of("d", "e")) {
            if (!excluded.contains(standIn) && isUsable(standIn)) {
                return new SloppyPlacement.Placement(standIn, true);
            }
        }
        return null;
    }

    @Override
    public boolean adopt(TopologyMessage newer, String routedWith) {
        if (!routedWith.equals(topology)) {
            return false;
        }
        adopted.add(newer);
        topology = newer.version();
        replicas = newer.members().keySet().stream().sorted().toList();
        return true;
    }
}
