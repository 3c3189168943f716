package dev.kv.gateway.routing;

import dev.kv.core.cluster.MemberAddress;
import dev.kv.core.contract.InternalPaths;
import dev.kv.core.placement.Topology;
import dev.kv.core.placement.TopologyMessage;
import dev.kv.gateway.replica.ReplicaClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.URI;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Refreshes the {@link ClusterView} once per interval from {@code GET /internal/v1/cluster} of every live member (or
 * the seeds when none answers), merged per member by freshness: the observer that has heard the latest state of a
 * member (highest generation, then heartbeat version) judges it. One observer alone can be behind (a peer that has
 * not yet gossiped with a node that just restarted still calls it down), and the view must not flap with the
 * observer polled. Also collects each live member's {@code /internal/v1/info} (keys, disk, uptime) for the cluster
 * page.
 */
@Component
public class MembershipPoller {

    private static final Logger log = LoggerFactory.getLogger(MembershipPoller.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final ClusterView view;
    private final ReplicaClient client;
    private final InstantSource clock;
    private final Map<String, Map<String, Object>> infos = new ConcurrentHashMap<>();
    private final Map<String, Map<?, ?>> streamingByNode = new ConcurrentHashMap<>();
    private final Map<String, String> waitingByNode = new ConcurrentHashMap<>();

    MembershipPoller(ClusterView view, ReplicaClient client, InstantSource clock) {
        this.view = view;
        this.client = client;
        this.clock = clock;
    }

    @Scheduled(fixedDelayString = "${kv.gateway.view-refresh:1s}")
    public void refresh() {
        List<NodeAddress> live = liveMembers();
        if (!applyFreshest(live)) {
            applyFreshest(seeds(live));
        }
        for (ClusterView.Member member : view.members()) {
            if (!"down".equals(member.liveness())) {
                client.getJson(member.address(), InternalPaths.INFO).thenAccept(body -> infos.put(member.id(),
                        parse(body)));
            }
        }
    }

    /** Asks every observer at once; merges the answers that arrive within the bound; false if none did. */
    private boolean applyFreshest(List<NodeAddress> observers) {
        Map<NodeAddress, CompletableFuture<byte[]>> calls = new LinkedHashMap<>();
        for (NodeAddress observer : observers) {
            calls.put(observer, client.getJson(observer, InternalPaths.CLUSTER));
        }
        Map<String, JsonNode> freshest = new TreeMap<>();
        List<String> answered = new ArrayList<>();
        Topology newest = null;
        for (Map.Entry<NodeAddress, CompletableFuture<byte[]>> call : calls.entrySet()) {
            try {
                JsonNode body = JSON.readTree(call.getValue().get(2, TimeUnit.SECONDS));
                String observer = body.get("observer").asString();
                answered.add(observer);
                for (JsonNode member : body.get("members")) {
                    freshest.merge(member.get("id").asString(), member, MembershipPoller::fresher);
                }
                Topology reported = topologyOf(body);
                if (reported != null && reported.supersedes(newest)) {
                    newest = reported;
                }
                JsonNode waiting = body.get("waiting");
                if (waiting != null && waiting.isString()) {
                    waitingByNode.put(observer, waiting.asString());
                } else {
                    waitingByNode.remove(observer);
                }
                JsonNode streaming = body.get("streaming");
                if (streaming != null && streaming.isObject()) {
                    streamingByNode.put(observer, JSON.convertValue(streaming, Map.class));
                }
            } catch (Exception e) {
                log.debug("cluster view from {} unavailable: {}", call.getKey().baseUri(), e.toString());
            }
        }
        if (freshest.isEmpty()) {
            return false;
        }
        List<ClusterView.Member> members = new ArrayList<>();
        for (JsonNode member : freshest.values()) {
            String address = member.get("address").asString();
            String id = member.get("id").asString();
            if (!MemberAddress.isValid(address) || !MemberAddress.NODE_ID.matcher(id).matches()) {
                // Nodes refuse such states in gossip; one reaching us anyway is never called with the secret.
                log.warn("cluster view: ignoring member {} with malformed address {}", id, address);
                continue;
            }
            members.add(new ClusterView.Member(
                    new NodeAddress(id, URI.create(MemberAddress.validate(address) + "/")),
                    member.get("liveness").asString(), member.get("phi").asDouble(),
                    member.get("generation").asLong(), member.get("status").asString(),
                    member.path("state").asString("normal")));
        }
        view.update(members, newest, String.join(",", answered), clock.millis());
        return true;
    }

    /** The state heard more recently: higher generation, then higher heartbeat version; a node on itself wins ties. */
    private static JsonNode fresher(JsonNode a, JsonNode b) {
        int byGeneration = Long.compare(a.get("generation").asLong(), b.get("generation").asLong());
        if (byGeneration != 0) {
            return byGeneration > 0 ? a : b;
        }
        int byVersion = Long.compare(a.path("version").asLong(0), b.path("version").asLong(0));
        if (byVersion != 0) {
            return byVersion > 0 ? a : b;
        }
        return b.path("local").asBoolean(false) ? b : a;
    }

    private Topology topologyOf(JsonNode body) {
        JsonNode topology = body.get("topology");
        if (topology == null || !topology.isObject()) {
            return null;
        }
        try {
            return JSON.treeToValue(topology, TopologyMessage.class).toTopology(view.virtualNodes(),
                    view.replicationFactor());
        } catch (RuntimeException e) {
            log.warn("cluster view: ignoring a malformed topology: {}", e.getMessage());
            return null;
        }
    }

    /** What a node last reported streaming in (the ranges it gains in the change under way). */
    @SuppressWarnings("unchecked")
    public Map<String, Object> streaming(String nodeId) {
        return (Map<String, Object>) streamingByNode.getOrDefault(nodeId, Map.of());
    }

    /** Why a node is not a member yet, as it last said (null when it is one). */
    public String waiting(String nodeId) {
        return waitingByNode.get(nodeId);
    }

    public Map<String, Object> info(String nodeId) {
        return infos.getOrDefault(nodeId, Map.of());
    }

    private List<NodeAddress> liveMembers() {
        Set<URI> seen = new LinkedHashSet<>();
        List<NodeAddress> result = new ArrayList<>();
        for (ClusterView.Member member : view.members()) {
            if (!"down".equals(member.liveness()) && seen.add(member.address().baseUri())) {
                result.add(member.address());
            }
        }
        return result;
    }

    private List<NodeAddress> seeds(List<NodeAddress> alreadyAsked) {
        Set<URI> asked = new LinkedHashSet<>();
        alreadyAsked.forEach(a -> asked.add(a.baseUri()));
        List<NodeAddress> result = new ArrayList<>();
        for (URI seed : view.seeds()) {
            if (asked.add(seed)) {
                result.add(new NodeAddress("seed", seed));
            }
        }
        return result;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> parse(byte[] body) {
        try {
            return JSON.readValue(body, Map.class);
        } catch (RuntimeException e) {
            return Map.of("error", "unreadable info");
        }
    }
}
