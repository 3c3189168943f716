package dev.kv.gateway.admin;

import dev.kv.core.contract.InternalPaths;
import dev.kv.gateway.replica.ReplicaClient;
import dev.kv.gateway.routing.ClusterView;
import dev.kv.web.runtime.Json;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Anti-entropy for the whole cluster: starts a repair on every live node, and gathers every node's repair status
 * (each node reports its ranges, the last exchange per range and peer, and its running repair's progress).
 */
@RestController
@Tag(name = "admin", description = "Cluster operations")
class RepairAdminController {

    private static final JsonMapper JSON = Json.mapper();

    private final ClusterView view;
    private final ReplicaClient client;

    RepairAdminController(ClusterView view, ReplicaClient client) {
        this.view = view;
        this.client = client;
    }

    @PostMapping(InternalPaths.ADMIN_REPAIR)
    @Operation(operationId = "startRepair", summary = "Start anti-entropy now on every live node (all ranges or one)")
    ResponseEntity<Map<String, Object>> start(@RequestParam(required = false) String range) {
        String path = InternalPaths.ADMIN_REPAIR + (range == null ? "" : "?range="
                + java.net.URLEncoder.encode(range, java.nio.charset.StandardCharsets.UTF_8));
        return ResponseEntity.accepted().body(gather(member -> client.postJson(member.address(), path)));
    }

    @GetMapping(InternalPaths.ADMIN_REPAIR)
    @Operation(operationId = "getRepair", summary = "Every node's anti-entropy status and repair progress")
    Map<String, Object> status() {
        return gather(member -> client.getJson(member.address(), InternalPaths.ADMIN_REPAIR));
    }

    private Map<String, Object> gather(
            java.util.function.Function<ClusterView.Member, CompletableFuture<byte[]>> call) {
        Map<String, CompletableFuture<byte[]>> calls = new LinkedHashMap<>();
        List<ClusterView.Member> members = view.members();
        for (ClusterView.Member member : members) {
            if (!member.judgedDown()) {
                calls.put(member.id(), call.apply(member));
            }
        }
        Map<String, Object> nodes = new LinkedHashMap<>();
        for (ClusterView.Member member : members) {
            CompletableFuture<byte[]> answer = calls.get(member.id());
            if (answer == null) {
                nodes.put(member.id(), Map.of("error", "node is down"));
                continue;
            }
            try {
                JsonNode body = JSON.readTree(answer.get(3, TimeUnit.SECONDS));
                nodes.put(member.id(), body);
            } catch (Exception e) {
                nodes.put(member.id(), Map.of("error", "no answer: " + e.getMessage()));
            }
        }
        return Map.of("nodes", nodes);
    }
}
