package dev.kv.gateway.routing;

import dev.kv.core.cluster.MemberAddress;
import dev.kv.core.contract.InternalPaths;
import dev.kv.core.membership.ClusterViewMessage;
import dev.kv.core.placement.StreamingProgress;
import dev.kv.core.placement.Topology;
import dev.kv.core.placement.TopologyMessage;
import dev.kv.gateway.replica.ReplicaClient;
import dev.kv.web.runtime.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

import java.net.URI;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Refreshes the {@link ClusterView} once per interval from {@code GET /internal/v1/cluster} of every live member (or
 * the seeds when none answers), merged per member by freshness: the observer that has heard the latest state of a
 * member (highest generation, then heartbeat version, as gossip orders them: {@link
 * ClusterViewMessage.Member#supersedes}) judges it. One observer alone can be behind (a peer that has not yet gossiped
 * with a node that just restarted still calls it down), and the view must not flap with the observer polled. Also
 * collects each live member's {@code /internal/v1/info} (keys, disk, uptime) for the cluster page.
 */
@Component
public class MembershipPoller {

    private static final Logger log = LoggerFactory.getLogger(MembershipPoller.class);
    /** As the tree reading before it did: a number an older node does not send reads as 0 instead of failing. */
    private static final JsonMapper JSON = Json.lenient();

    private final ClusterView view;
    private final ReplicaClient client;
    private final InstantSource clock;
    private final Map<String, Map<String, Object>> infos = new ConcurrentHashMap<>();
    private final Map<String, StreamingProgress> streamingByNode = new ConcurrentHashMap<>();
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
            if (!member.judgedDown()) {
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
        Map<String, ClusterViewMessage.Member> freshest = new TreeMap<>();
        List<String> answered = new ArrayList<>();
        Topology newest = null;
        for (Map.Entry<NodeAddress, CompletableFuture<byte[]>> call : calls.entrySet()) {
            try {
                ClusterViewMessage answer = JSON.readValue(call.getValue().get(2, TimeUnit.SECONDS),
                        ClusterViewMessage.class);
                String observer = Objects.requireNonNull(answer.observer(), "an answer without its observer");
                answered.add(observer);
                for (ClusterViewMessage.Member member : answer.members()) {
                    freshest.merge(member.id(), member, (known, heard) -> heard.supersedes(known) ? heard : known);
                }
                Topology reported = topologyOf(answer.topology());
                if (reported != null && reported.supersedes(newest)) {
                    newest = reported;
                }
                if (answer.waiting() != null) {
                    waitingByNode.put(observer, answer.waiting());
                } else {
                    waitingByNode.remove(observer);
                }
                if (answer.streaming() != null) {
                    streamingByNode.put(observer, answer.streaming());
                }
            } catch (Exception e) {
                log.debug("cluster view from {} unavailable: {}", call.getKey().baseUri(), e.toString());
            }
        }
        if (freshest.isEmpty()) {
            return false;
        }
        List<ClusterView.Member> members = new ArrayList<>();
        for (ClusterViewMessage.Member member : freshest.values()) {
            ClusterView.Member usable = usable(member);
            if (usable != null) {
                members.add(usable);
            }
        }
        view.update(members, newest, String.join(",", answered), clock.millis());
        return true;
    }

    /** The member as the view holds it; null, with a warning, for one this gateway must never call. */
    private static ClusterView.Member usable(ClusterViewMessage.Member member) {
        String address = member.address();
        String id = member.id();
        if (!MemberAddress.isValid(address) || !MemberAddress.NODE_ID.matcher(id).matches()) {
            // Nodes refuse such states in gossip; one reaching us anyway is never called with the secret.
            log.warn("cluster view: ignoring member {} with malformed address {}", id, address);
            return null;
        }
        try {
            return new ClusterView.Member(new NodeAddress(id, URI.create(MemberAddress.validate(address) + "/")),
                    member.judgedLiveness(), member.phi(), member.generation(), member.announced(),
                    member.state() == null ? "normal" : member.state());
        } catch (IllegalArgumentException e) {
            log.warn("cluster view: ignoring member {}: {}", id, e.getMessage());
            return null;
        }
    }

    private Topology topologyOf(TopologyMessage topology) {
        if (topology == null) {
            return null;
        }
        try {
            return topology.toTopology(view.virtualNodes(), view.replicationFactor());
        } catch (RuntimeException e) {
            log.warn("cluster view: ignoring a malformed topology: {}", e.getMessage());
            return null;
        }
    }

    /** What a node last reported streaming in (the ranges it gains in the change under way); null if nothing yet. */
    public StreamingProgress streaming(String nodeId) {
        return streamingByNode.get(nodeId);
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
            if (!member.judgedDown() && seen.add(member.address().baseUri())) {
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
