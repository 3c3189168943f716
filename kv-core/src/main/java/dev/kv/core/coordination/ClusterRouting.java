package dev.kv.core.coordination;

import dev.kv.core.hints.SloppyPlacement;
import dev.kv.core.placement.Placement;
import dev.kv.core.placement.TopologyMessage;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What a coordinator knows of the cluster when it plans a request: the gateway's view in the service, a simulated
 * gateway's view in the simulator.
 */
public interface ClusterRouting {

    /** Where a key lives by the view's topology. */
    record Route(Placement placement, String topology) {
    }

    Route route(byte[] key);

    /** Whether the node is judged able to take calls (gossip says alive and no circuit breaker is open). */
    boolean isUsable(String node);

    /** Whether the view knows where to call the node. */
    boolean isAddressable(String node);

    /**
     * Where the hint for {@code replica} goes: the next usable node beyond the key's preference list, not in
     * {@code excluded}; null when no node is usable.
     */
    SloppyPlacement.Placement hintHolder(byte[] key, String replica, Set<String> excluded);

    /**
     * Takes {@code newer}, a node's topology that is newer than {@code routedWith}; answers whether planning again is
     * worth it (false when the view already moved past {@code routedWith} to something no newer).
     */
    boolean adopt(TopologyMessage newer, String routedWith);

    /**
     * {@code replicas} without those the view cannot call (a node the topology names before the view lists it as a
     * member): reads and coordinator attempts leave them out and do not count them as contacted; a write's copies
     * still count each of them, as failed, by the placement's rule.
     */
    default List<String> addressable(List<String> replicas) {
        List<String> known = new ArrayList<>(replicas.size());
        for (String replica : replicas) {
            if (isAddressable(replica)) {
                known.add(replica);
            }
        }
        return known.size() == replicas.size() ? replicas : known;
    }

    /** {@code replicas} with the usable ones first, each group in preference order. */
    default List<String> usableFirst(List<String> replicas) {
        List<String> ordered = new ArrayList<>(replicas.size());
        List<String> unusable = new ArrayList<>(0);
        for (String replica : replicas) {
            (isUsable(replica) ? ordered : unusable).add(replica); // asked once: the view may change meanwhile
        }
        ordered.addAll(unusable);
        return ordered;
    }
}
