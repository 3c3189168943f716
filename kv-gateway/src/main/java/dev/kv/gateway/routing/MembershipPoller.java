package dev.kv.gateway.routing;

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
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Refreshes the {@link ClusterView} once per interval from {@code GET /internal/v1/cluster} of one node: a random
 * live member, or the seeds when none answers. Also collects each live member's {@code /internal/v1/info} (keys,
 * disk, uptime) for the cluster page.
 */
@Component
public class MembershipPoller {

    private static final Logger log = LoggerFactory.getLogger(MembershipPoller.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final ClusterView view;
    private final ReplicaClient client;
    private final InstantSource clock;
    private final Map<String, Map<String, Object>> infos = new ConcurrentHashMap<>();

    MembershipPoller(ClusterView view, ReplicaClient client, InstantSource clock) {
        this.view = view;
        this.client = client;
        this.clock = clock;
    }

    @Scheduled(fixedDelayString = "${kv.gateway.view-refresh:1s}")
    public void refresh() {
        for (NodeAddress candidate : candidates()) {
            try {
                byte[] body = client.getJson(candidate, "internal/v1/cluster").get(2, TimeUnit.SECONDS);
                apply(JSON.readTree(body));
                break;
            } catch (Exception e) {
                log.debug("cluster view from {} unavailable: {}", candidate.baseUri(), e.toString());
            }
        }
        for (ClusterView.Member member : view.members()) {
            if (!"down".equals(member.liveness())) {
                client.getJson(member.address(), "internal/v1/info").thenAccept(body -> infos.put(member.id(),
                        parse(body)));
            }
        }
    }

    public Map<String, Object> info(String nodeId) {
        return infos.getOrDefault(nodeId, Map.of());
    }

    private List<NodeAddress> candidates() {
        List<NodeAddress> live = new ArrayList<>();
        for (ClusterView.Member member : view.members()) {
            if (!"down".equals(member.liveness())) {
                live.add(member.address());
            }
        }
        Collections.shuffle(live);
        Set<URI> seen = new LinkedHashSet<>();
        List<NodeAddress> result = new ArrayList<>();
        for (NodeAddress address : live) {
            if (seen.add(address.baseUri())) {
                result.add(address);
            }
        }
        for (URI seed : view.seeds()) {
            if (seen.add(seed)) {
                result.add(new NodeAddress("seed", seed));
            }
        }
        return result;
    }

    private void apply(JsonNode body) {
        List<ClusterView.Member> members = new ArrayList<>();
        for (JsonNode member : body.get("members")) {
            String address = member.get("address").asString();
            members.add(new ClusterView.Member(
                    new NodeAddress(member.get("id").asString(), URI.create(address.endsWith("/") ? address
                            : address + "/")),
                    member.get("liveness").asString(), member.get("phi").asDouble(),
                    member.get("generation").asLong(), member.get("status").asString()));
        }
        if (!members.isEmpty()) {
            view.update(members, body.get("observer").asString(), clock.millis());
        }
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
