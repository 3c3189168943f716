package dev.kv.gateway.api;

import dev.kv.gateway.config.GatewayProperties;
import dev.kv.gateway.routing.ClusterView;
import dev.kv.gateway.routing.NodeAddress;
import dev.kv.gateway.routing.NodeHealthProbe;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The cluster as the gateway sees it, for the dashboard and operators. */
@RestController
@Tag(name = "cluster", description = "Members, their state and ring ownership")
class ClusterController {

    private final ClusterView view;
    private final NodeHealthProbe health;
    private final GatewayProperties properties;

    ClusterController(ClusterView view, NodeHealthProbe health, GatewayProperties properties) {
        this.view = view;
        this.health = health;
        this.properties = properties;
    }

    /**
     * The cluster view.
     *
     * @param replicationFactor N
     * @param virtualNodes      tokens per node
     * @param conflictMode      vector-clock or lww
     * @param defaultConsistency the preset used when a request names none
     * @param members           every node
     */
    record ClusterResponse(int replicationFactor, int virtualNodes, String conflictMode, String defaultConsistency,
                           List<Member> members) {
    }

    /**
     * One node.
     *
     * @param id        node id
     * @param url       base URL of its internal API
     * @param status    up or down, by the gateway's last probe
     * @param ownership fraction of the ring for which it is the primary replica
     * @param lastSeen  epoch millis of the last successful probe
     * @param error     why the last probe failed
     * @param info      what the node reported (generation, uptime, keys, disk)
     */
    record Member(String id, String url, String status, double ownership, long lastSeen, String error,
                  Map<String, Object> info) {
    }

    /** The ring as tokens for drawing it, with the preference list of one key when asked. */
    record RingResponse(List<Token> tokens) {
    }

    record Token(String token, String owner) {
    }

    @GetMapping("/v1/cluster")
    @Operation(operationId = "getCluster", summary = "Members, states and ring ownership")
    ClusterResponse cluster() {
        Map<String, Double> ownership = view.ring().primaryOwnership();
        List<Member> members = new ArrayList<>();
        for (NodeAddress node : view.members()) {
            NodeHealthProbe.NodeState state = health.state(node.id());
            members.add(new Member(node.id(), node.baseUri().toString(), state.up() ? "up" : "down",
                    ownership.getOrDefault(node.id(), 0.0), state.lastSeenMillis(), state.error(), state.info()));
        }
        return new ClusterResponse(view.replicationFactor(), view.ring().virtualNodes(),
                properties.mode().wireName(), properties.defaultConsistency(), members);
    }

    @GetMapping("/v1/cluster/ring")
    @Operation(operationId = "getRing", summary = "Every token of the ring with its owner, in ring order")
    RingResponse ring() {
        return new RingResponse(view.ring().tokenOwners().stream()
                .map(e -> new Token(Long.toUnsignedString(e.getKey() ^ Long.MIN_VALUE), e.getValue())).toList());
    }

    @GetMapping("/v1/cluster/preference-list")
    @Operation(operationId = "getPreferenceList", summary = "The replicas of a key, in preference order")
    List<String> preferenceList(String key) {
        dev.kv.core.key.Keys.validate(key);
        return view.preferenceList(key.getBytes(StandardCharsets.UTF_8)).stream().map(NodeAddress::id).toList();
    }
}
