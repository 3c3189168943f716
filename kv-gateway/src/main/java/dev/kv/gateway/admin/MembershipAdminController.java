package dev.kv.gateway.admin;

import dev.kv.core.cluster.MemberAddress;
import dev.kv.core.contract.InternalPaths;
import dev.kv.core.placement.Topology;
import dev.kv.gateway.api.Problems;
import dev.kv.gateway.replica.ReplicaClient;
import dev.kv.gateway.replica.ReplicaException;
import dev.kv.gateway.routing.ClusterView;
import dev.kv.web.runtime.Json;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Membership changes for operators (issue 12): decommission a live node, remove a dead one, drop data nodes no
 * longer own. Each asks the nodes, which decide (and refuse with 409 when a change is under way, when too few members
 * would remain, or when a node to remove is still alive); progress shows in {@code GET /v1/cluster}.
 */
@RestController
@Tag(name = "admin", description = "Cluster operations")
class MembershipAdminController {

    private static final Logger log = LoggerFactory.getLogger(MembershipAdminController.class);
    private static final JsonMapper JSON = Json.mapper();
    /** A little longer than the node call's own timeout, which ends it with a clear reason first. */
    private static final long CALL_SECONDS = ReplicaClient.ADMIN_TIMEOUT.toSeconds() + 1;

    private final ClusterView view;
    private final ReplicaClient client;

    MembershipAdminController(ClusterView view, ReplicaClient client) {
        this.view = view;
        this.client = client;
    }

    @PostMapping(InternalPaths.ADMIN_DECOMMISSION)
    @Operation(operationId = "decommissionNode", summary = "Hand a live node's ranges to the others, then let it leave")
    ResponseEntity<?> decommission(@PathVariable String id) {
        ClusterView.Member member = member(id).orElse(null);
        if (member == null) {
            return unknown(id);
        }
        log.info("admin: decommission {} requested", id);
        return forward(id, client.postJson(member.address(), InternalPaths.DECOMMISSION));
    }

    @PostMapping(InternalPaths.ADMIN_REMOVE)
    @Operation(operationId = "removeNode", summary = "Declare a dead node gone: the others rebuild its ranges")
    ResponseEntity<?> remove(@PathVariable String id) {
        if (member(id).isEmpty()) {
            return unknown(id);
        }
        ClusterView.Member asked = view.members().stream()
                .filter(m -> !m.id().equals(id) && "normal".equals(m.state()) && !m.judgedDown())
                .findFirst().orElse(null);
        if (asked == null) {
            return ResponseEntity.status(503).body(Problems.of(503, "No member to ask",
                    "no live normal member can carry out the removal", "membership-change-refused"));
        }
        log.info("admin: removal of {} requested (asked {})", id, asked.id());
        return forward(id, client.postJson(asked.address(), InternalPaths.REMOVE + "?node=" + id));
    }

    @PostMapping(InternalPaths.ADMIN_CLEANUP)
    @Operation(operationId = "startCleanup", summary = "Drop, on every live node, the data of ranges it no longer owns")
    ResponseEntity<?> cleanup() {
        Topology topology = view.topology();
        if (topology != null && topology.inTransition()) {
            return ResponseEntity.status(409).body(Problems.of(409, "Membership change refused",
                    "a membership change is under way (" + topology.version() + "); cleanup would drop data it"
                            + " may still need", "membership-change-refused"));
        }
        Map<String, CompletableFuture<byte[]>> calls = new LinkedHashMap<>();
        for (ClusterView.Member member : view.members()) {
            if (!member.judgedDown() && isMember(member)) {
                calls.put(member.id(), client.postJson(member.address(), InternalPaths.CLEANUP));
            }
        }
        Map<String, Object> nodes = new LinkedHashMap<>();
        calls.forEach((id, call) -> {
            try {
                nodes.put(id, JSON.readTree(call.get(CALL_SECONDS, TimeUnit.SECONDS)));
            } catch (Exception e) {
                nodes.put(id, Map.of("error", describe(e)));
            }
        });
        log.info("admin: cleanup started on {}", calls.keySet());
        return ResponseEntity.accepted().body(Map.of("nodes", nodes));
    }

    private static boolean isMember(ClusterView.Member member) {
        return List.of("normal", "leaving", "joining").contains(member.state());
    }

    private Optional<ClusterView.Member> member(String id) {
        if (!MemberAddress.NODE_ID.matcher(id).matches()) {
            return Optional.empty();
        }
        return view.members().stream().filter(m -> m.id().equals(id)).findFirst();
    }

    private static ResponseEntity<?> unknown(String id) {
        return ResponseEntity.status(404).body(Problems.of(404, "Unknown node",
                "no member is called " + (MemberAddress.NODE_ID.matcher(id).matches() ? id : "that")
                        + " (see GET /v1/cluster)", "unknown-node"));
    }

    private static ResponseEntity<?> forward(String id, CompletableFuture<byte[]> call) {
        try {
            JsonNode body = JSON.readTree(call.get(CALL_SECONDS, TimeUnit.SECONDS));
            return ResponseEntity.accepted().contentType(MediaType.APPLICATION_JSON).body(body);
        } catch (ExecutionException | CompletionException e) {
            if (e.getCause() instanceof ReplicaException replica && replica.status() == 409) {
                String detail = replica.getMessage().replaceFirst("^HTTP 409 \\((.*)\\)$", "$1");
                return ResponseEntity.status(409).body(Problems.of(409, "Membership change refused", detail,
                        "membership-change-refused"));
            }
            if (e.getCause() instanceof ReplicaException replica && replica.mayHaveApplied()) {
                return ResponseEntity.status(504).body(Problems.of(504, "Outcome unknown", "the node was asked to"
                        + " change " + id + " but did not answer (" + describe(e) + "); the change may have been"
                        + " made: see GET /v1/cluster before asking again", "outcome-unknown"));
            }
            return unreachable(id, e);
        } catch (Exception e) {
            return unreachable(id, e);
        }
    }

    private static ResponseEntity<?> unreachable(String id, Exception e) {
        return ResponseEntity.status(503).body(Problems.of(503, "Node unreachable",
                "the change for " + id + " could not be asked of a node: " + describe(e), "node-unreachable"));
    }

    private static String describe(Exception e) {
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }
}
