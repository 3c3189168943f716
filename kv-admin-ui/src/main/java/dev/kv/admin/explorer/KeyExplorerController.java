package dev.kv.admin.explorer;

import dev.kv.admin.upstream.Upstream;
import dev.kv.core.codec.RecordCodec;
import dev.kv.core.contract.Headers;
import dev.kv.core.contract.InternalPaths;
import dev.kv.core.key.KeyCodec;
import dev.kv.core.record.Record;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The key explorer: reads, writes and deletes a key through the gateway like any client (so quorums, read repair and
 * problems are the real ones), and shows each replica's own version beside the answer, read straight from the nodes,
 * so a stale or divergent replica is visible.
 *
 * <pre>
 * GET    /api/keys?key=K[&consistency=C]          → {key, status, answer, preferenceList, replicas[], divergent}
 * PUT    /api/keys?key=K[&consistency=C][&ttl=S]  text body, optional X-KV-Context → {status, context, problem}
 * DELETE /api/keys?key=K[&consistency=C]          optional X-KV-Context → {status, context, problem}
 * </pre>
 */
@RestController
class KeyExplorerController {

    private final Upstream upstream;

    KeyExplorerController(Upstream upstream) {
        this.upstream = upstream;
    }

    @GetMapping(value = "/api/keys", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Map<String, Object>> read(@RequestParam String key,
                                             @RequestParam(defaultValue = "strong") String consistency) {
        Upstream.Answer answer = upstream.gateway(HttpMethod.GET, keyPath(key) + "?consistency="
                + encode(consistency), Map.of("Accept", "application/json"), null);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("key", key);
        result.put("status", answer.status());
        result.put("context", answer.headers().get(Headers.CONTEXT));
        result.put("answer", answer.body().length == 0 ? null : answer.json());
        if (answer.status() == 400) {
            return ResponseEntity.ok(result);
        }
        List<ReplicaView> replicas = replicas(key);
        result.put("preferenceList", replicas.stream().map(ReplicaView::node).toList());
        result.put("replicas", replicas);
        result.put("divergent", replicas.stream().filter(r -> !"unreachable".equals(r.state()))
                .map(r -> r.digest() == null ? "" : r.digest()).distinct().count() > 1);
        return ResponseEntity.ok(result);
    }

    @PutMapping(value = "/api/keys", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Map<String, Object>> write(@RequestParam String key,
                                              @RequestParam(defaultValue = "strong") String consistency,
                                              @RequestParam(required = false) Long ttl,
                                              @RequestHeader(value = Headers.CONTEXT, required = false) String context,
                                              @RequestBody(required = false) byte[] value) {
        Map<String, String> headers = new HashMap<>();
        headers.put("Content-Type", "text/plain; charset=utf-8");
        if (context != null && !context.isBlank()) {
            headers.put(Headers.CONTEXT, context);
        }
        String query = "?consistency=" + encode(consistency) + (ttl == null ? "" : "&ttl=" + ttl);
        return outcome(upstream.gateway(HttpMethod.PUT, keyPath(key) + query, headers,
                value == null ? new byte[0] : value));
    }

    @DeleteMapping(value = "/api/keys", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Map<String, Object>> delete(@RequestParam String key,
                                               @RequestParam(defaultValue = "strong") String consistency,
                                               @RequestHeader(value = Headers.CONTEXT, required = false)
                                               String context) {
        Map<String, String> headers = context == null || context.isBlank() ? Map.of() : Map.of(Headers.CONTEXT,
                context);
        return outcome(upstream.gateway(HttpMethod.DELETE, keyPath(key) + "?consistency=" + encode(consistency),
                headers, null));
    }

    /** Each home replica's record, read from the node itself; an unreachable node is shown as such. */
    private List<ReplicaView> replicas(String key) {
        Upstream.Answer preference = upstream.gateway(HttpMethod.GET, "/v1/cluster/preference-list?key="
                + encode(key), Map.of(), null);
        Upstream.Answer cluster = upstream.clusterView();
        Map<String, URI> urls = new HashMap<>();
        for (JsonNode member : cluster.json().path("members")) {
            urls.put(member.path("id").asString(), URI.create(member.path("url").asString()));
        }
        byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
        String internalKey = KeyCodec.encode(keyBytes);
        List<ReplicaView> replicas = new ArrayList<>();
        for (JsonNode id : preference.json()) {
            String node = id.asString();
            try {
                Upstream.Answer record = upstream.node(urls.get(node), InternalPaths.REPLICA + "?key=" + internalKey);
                replicas.add(switch (record.status()) {
                    case 200 -> ReplicaView.of(node, keyBytes, RecordCodec.decode(record.body()));
                    case 404 -> ReplicaView.of(node, keyBytes, Record.EMPTY);
                    default -> ReplicaView.unreachable(node, "HTTP " + record.status());
                });
            } catch (RuntimeException e) {
                replicas.add(ReplicaView.unreachable(node, e.getMessage()));
            }
        }
        return replicas;
    }

    private static ResponseEntity<Map<String, Object>> outcome(Upstream.Answer answer) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("status", answer.status());
        result.put("context", answer.headers().get(Headers.CONTEXT));
        result.put("problem", answer.status() >= 400 && answer.body().length > 0 ? answer.json() : null);
        return ResponseEntity.ok(result);
    }

    /** {@code /v1/kv/} and the key's segments percent-encoded (a '/' inside the key stays a separator). */
    static String keyPath(String key) {
        StringBuilder path = new StringBuilder("/v1/kv/");
        String[] segments = key.split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            path.append(i == 0 ? "" : "/").append(encode(segments[i]).replace("+", "%20"));
        }
        return path.toString();
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
