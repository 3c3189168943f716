package dev.kv.gateway.quorum;

import dev.kv.core.coordination.ClusterRouting;
import dev.kv.core.hints.SloppyPlacement;
import dev.kv.core.placement.TopologyMessage;
import dev.kv.gateway.routing.ClusterView;
import dev.kv.gateway.routing.NodeAddress;
import org.springframework.stereotype.Component;

import java.util.Set;

/** The gateway's {@link ClusterView} as the coordination state machines ask it: where a key lives, who is usable. */
@Component
class ViewRouting implements ClusterRouting {

    private final ClusterView view;

    ViewRouting(ClusterView view) {
        this.view = view;
    }

    @Override
    public Route route(byte[] key) {
        ClusterView.Routing routing = view.routing(key);
        return new Route(routing.placement(), routing.topology());
    }

    @Override
    public boolean isUsable(String node) {
        return view.isUsable(node);
    }

    @Override
    public boolean isAddressable(String node) {
        return view.address(node) != null;
    }

    @Override
    public SloppyPlacement.Placement hintHolder(byte[] key, String replica, Set<String> excluded) {
        return SloppyPlacement.placements(view.ring(), key, view.replicationFactor(),
                id -> !id.equals(replica) && !excluded.contains(id) && view.isUsable(id)).get(replica);
    }

    @Override
    public boolean adopt(TopologyMessage newer, String routedWith) {
        return view.adopt(newer, routedWith);
    }

    /** Where to call the node; null when the view does not know it. */
    NodeAddress address(String node) {
        return view.address(node);
    }
}
