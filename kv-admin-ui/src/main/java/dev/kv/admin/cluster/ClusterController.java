package dev.kv.admin.cluster;

import dev.kv.admin.upstream.Upstream;
import dev.kv.core.contract.InternalPaths;
import dev.kv.core.membership.Liveness;
import dev.kv.core.ring.TokenRing;
import dev.kv.web.runtime.Json;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The cluster for the overview and the ring view, from the dashboard's own origin (no CORS): the gateway's view of
 * the members, each live node's pending hints, the ring's tokens, and where a key lives.
 */
@RestController
class ClusterController {

    private static final JsonMapper JSON = Json.mapper();

    private final Upstream upstream;
    private final PrometheusMeterRegistry metrics;

    ClusterController(Upstream upstream, PrometheusMeterRegistry metrics) {
        this.upstream = upstream;
        this.metrics = metrics;
    }

    /** Members that left or were removed: they own nothing, hold no hints, and may no longer run. */
    private static final Set<String> FORMER = Set.of("left", "removed");

    /**
     * The gateway's {@code /v1/cluster} as it came (member states, epoch, the membership change in progress), each
     * current member with {@code hints}: what it holds for others, or an error. Former members are not asked.
     */
    @GetMapping(value = "/api/cluster", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<?> cluster() {
        Upstream.Answer answer = upstream.clusterView();
        if (answer.status() != 200) {
            return answer.relay();
        }
        JsonNode cluster = answer.json();
        for (JsonNode member : cluster.path("members")) {
            if (!FORMER.contains(member.path("state").asString(""))) {
                ((ObjectNode) member).set("hints", hints(member));
            }
        }
        return ResponseEntity.ok(cluster);
    }

    private JsonNode hints(JsonNode member) {
        ObjectNode hints = JSON.createObjectNode();
        // The gateway's "status" of a member is its liveness, as gossip judges it.
        if (Liveness.DOWN.wireName().equals(member.path("status").asString(""))) {
            return hints.put("error", "node is down");
        }
        try {
            Upstream.Answer answer = upstream.node(URI.create(member.path("url").asString()), InternalPaths.HINTS);
            if (answer.status() != 200) {
                return hints.put("error", "HTTP " + answer.status());
            }
            JsonNode body = answer.json();
            long pending = 0;
            for (JsonNode count : body.path("pendingByTarget")) {
                pending += count.asLong(0);
            }
            return hints.put("pending", pending).put("bytes", body.path("bytes").asLong(0))
                    .set("pendingByTarget", body.path("pendingByTarget"));
        } catch (RuntimeException e) {
            return hints.put("error", e.getMessage());
        }
    }

    /** Every token of the ring with its owner, in ring order (the gateway's {@code /v1/cluster/ring}). */
    @GetMapping(value = "/api/ring", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<?> ring() {
        return upstream.gateway(HttpMethod.GET, "/v1/cluster/ring", Map.of(), null).relay();
    }

    /**
     * Where a key lives: its token (in the ring view's unsigned form) and its replicas in preference order.
     * An invalid key is the gateway's 400 problem, passed on.
     */
    @GetMapping(value = "/api/lookup", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<?> lookup(@RequestParam String key) {
        Upstream.Answer replicas = upstream.gateway(HttpMethod.GET, "/v1/cluster/preference-list?key="
                + URLEncoder.encode(key, StandardCharsets.UTF_8), Map.of(), null);
        if (replicas.status() != 200) {
            return replicas.relay();
        }
        long token = TokenRing.tokenOf(key.getBytes(StandardCharsets.UTF_8));
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("key", key);
        result.put("token", Long.toUnsignedString(token ^ Long.MIN_VALUE));
        result.put("preferenceList", replicas.json());
        return ResponseEntity.ok(result);
    }

    /**
     * Where the dashboard links to: Swagger UI and the services' metrics, through this backend (Actuator is on each
     * service's management port, which a browser is not meant to reach).
     */
    @GetMapping("/api/links")
    Map<String, String> links() {
        String base = upstream.gateway().toString();
        return Map.of("swaggerUi", base + "/swagger-ui.html", "gatewayMetrics", "/api/metrics/gateway",
                "dashboardMetrics", "/api/metrics/dashboard");
    }

    /** The gateway's metrics (Prometheus text), read with the cluster secret. */
    @GetMapping("/api/metrics/gateway")
    ResponseEntity<?> gatewayMetrics() {
        return upstream.gatewayAdmin(HttpMethod.GET, InternalPaths.ADMIN_METRICS).relay();
    }

    /** The dashboard's own metrics (Prometheus text). */
    @GetMapping(value = "/api/metrics/dashboard", produces = MediaType.TEXT_PLAIN_VALUE)
    String dashboardMetrics() {
        return metrics.scrape();
    }
}
