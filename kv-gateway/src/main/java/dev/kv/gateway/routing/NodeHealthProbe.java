package dev.kv.gateway.routing;

import dev.kv.gateway.replica.ReplicaClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Polls every node's {@code /internal/v1/info} once per probe interval, for the cluster view and to try replicas
 * that answered last time first when choosing a coordinator. A stand-in for gossip-based failure detection: it only
 * orders attempts and never excludes a replica, so a wrong guess costs time, never correctness.
 */
@Component
public class NodeHealthProbe {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** What the gateway last learned about a node. */
    public record NodeState(boolean up, long lastSeenMillis, String error, Map<String, Object> info) {
    }

    private final ClusterView view;
    private final ReplicaClient client;
    private final InstantSource clock;
    private final Map<String, NodeState> states = new ConcurrentHashMap<>();

    NodeHealthProbe(ClusterView view, ReplicaClient client, InstantSource clock) {
        this.view = view;
        this.client = client;
        this.clock = clock;
    }

    @Scheduled(fixedDelayString = "${kv.gateway.probe-interval:1s}")
    public void probe() {
        for (NodeAddress node : view.members()) {
            client.getJson(node, "internal/v1/info").whenComplete((body, failure) -> {
                NodeState previous = states.get(node.id());
                long lastSeen = previous == null ? 0 : previous.lastSeenMillis();
                if (failure == null) {
                    states.put(node.id(), new NodeState(true, clock.millis(), null, parse(body)));
                } else {
                    states.put(node.id(), new NodeState(false, lastSeen, failure.getCause() == null
                            ? failure.toString() : failure.getCause().getMessage(),
                            previous == null ? Map.of() : previous.info()));
                }
            });
        }
    }

    public NodeState state(String nodeId) {
        return states.getOrDefault(nodeId, new NodeState(true, 0, "not probed yet", Map.of()));
    }

    /** The replicas in preference order, but those that failed their last probe moved to the end. */
    public List<NodeAddress> aliveFirst(List<NodeAddress> replicas) {
        List<NodeAddress> ordered = new ArrayList<>(replicas.size());
        for (NodeAddress replica : replicas) {
            if (state(replica.id()).up()) {
                ordered.add(replica);
            }
        }
        for (NodeAddress replica : replicas) {
            if (!state(replica.id()).up()) {
                ordered.add(replica);
            }
        }
        return ordered;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> parse(byte[] body) {
        try {
            JsonNode node = JSON.readTree(body);
            return JSON.convertValue(node, Map.class);
        } catch (RuntimeException e) {
            return Map.of("error", "unreadable info: " + e.getMessage());
        }
    }
}
