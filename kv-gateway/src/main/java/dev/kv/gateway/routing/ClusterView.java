package dev.kv.gateway.routing;

import dev.kv.core.ring.TokenRing;
import dev.kv.gateway.config.GatewayProperties;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where keys live: the members and the token ring built from them. In this version the member list is static
 * configuration; every gateway computes the same ring from the same list.
 */
@Component
public class ClusterView {

    private final Map<String, NodeAddress> members = new LinkedHashMap<>();
    private final TokenRing ring;
    private final int replicationFactor;

    public ClusterView(GatewayProperties properties) {
        for (String spec : properties.nodes()) {
            NodeAddress address = NodeAddress.parse(spec);
            if (members.put(address.id(), address) != null) {
                throw new IllegalArgumentException("node id " + address.id() + " is configured twice");
            }
        }
        this.ring = TokenRing.of(members.keySet(), properties.virtualNodes());
        this.replicationFactor = properties.replicationFactor();
    }

    /** The key's N home replicas in ring order. */
    public List<NodeAddress> preferenceList(byte[] key) {
        List<NodeAddress> result = new ArrayList<>(replicationFactor);
        for (String id : ring.preferenceList(key, replicationFactor)) {
            result.add(members.get(id));
        }
        return result;
    }

    public TokenRing ring() {
        return ring;
    }

    public int replicationFactor() {
        return replicationFactor;
    }

    public List<NodeAddress> members() {
        return List.copyOf(members.values());
    }
}
