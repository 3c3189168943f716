package dev.kv.gateway.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.kv.core.cluster.ClusterSecret;
import dev.kv.core.contract.Headers;
import dev.kv.core.placement.MemberState;
import dev.kv.core.placement.StreamingProgress;
import dev.kv.core.placement.Topology;
import dev.kv.gateway.config.GatewayProperties;
import dev.kv.gateway.replica.ReplicaGuard;
import dev.kv.gateway.routing.ClusterView;
import dev.kv.gateway.routing.MembershipPoller;
import dev.kv.gateway.routing.NodeAddress;
import dev.kv.web.security.LiveClusterSecret;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** The cluster as the gateway sees it, for the dashboard and operators. */
@RestController
@Tag(name = "cluster", description = "Members, their state and ring ownership")
class ClusterController {

    /** A node's streaming progress as the open-ended object this API has always described it as. */
    private static final TypeReference<Map<String, Object>> AS_MAP = new TypeReference<>() {
    };

    private final ClusterView view;
    private final MembershipPoller poller;
    private final ReplicaGuard guard;
    private final GatewayProperties properties;
    private final LiveClusterSecret secret;
    private final JsonMapper json;

    ClusterController(ClusterView view, MembershipPoller poller, ReplicaGuard guard, GatewayProperties properties,
                      LiveClusterSecret secret, JsonMapper json) {
        this.view = view;
        this.poller = poller;
        this.guard = guard;
        this.properties = properties;
        this.secret = secret;
        this.json = json;
    }

    /**
     * The cluster view.
     *
     * @param replicationFactor  N
     * @param virtualNodes       tokens per node
     * @param conflictMode       vector-clock or lww
     * @param defaultConsistency the preset used when a request names none
     * @param observer           the node whose judgement of liveness the view holds
     * @param refreshedAt        epoch millis of the last refresh
     * @param members            every node
     * @param epoch              the topology's epoch (0 before the nodes reported one)
     * @param topologyVersion    the topology's version, {@code epoch:proposer}
     * @param transition         the membership change under way with its progress, or null
     */
    record ClusterResponse(int replicationFactor, int virtualNodes, String conflictMode, String defaultConsistency,
                           String observer, long refreshedAt, List<Member> members, long epoch,
                           String topologyVersion, Transition transition) {
    }

    /**
     * A membership change under way, with the progress of the members that gain ranges, summed.
     *
     * @param kind           join, decommission or remove
     * @param member         the joining or leaving member
     * @param rangesDone     ranges merged by the members that gain ranges
     * @param rangesTotal    ranges they gain
     * @param keys           records they received
     * @param bytes          bytes they received
     * @param bytesPerSecond their receiving rate
     * @param etaSeconds     the longest of their estimates, or null when unknown
     */
    record Transition(String kind, String member, int rangesDone, int rangesTotal, long keys, long bytes,
                      double bytesPerSecond, Long etaSeconds) {
    }

    /**
     * One node.
     *
     * @param id             node id
     * @param url            base URL of its internal API; only for a caller presenting the cluster secret
     * @param liveness       alive, suspect or down as judged by gossip (unknown before the first view); written
     *                       {@code status}, the name this API has always given it (a node's view calls what the node
     *                       announces its status, here {@code announced})
     * @param announced      what the node announces (normal, shutdown)
     * @param phi            the observer's phi-accrual suspicion of it
     * @param generation     its process generation (changes on restart)
     * @param circuitBreaker the gateway's breaker for it: closed, open or half_open
     * @param ownership      fraction of the ring for which it is the primary replica
     * @param info           what the node reported (data generation, uptime, keys, disk); only for a caller presenting
     *                       the cluster secret
     * @param state          its place in the ring: joining, normal, leaving, left, removed, or waiting to join
     * @param streaming      what it is streaming in during a change (null when nothing)
     * @param waiting        why it is not a member yet (waiting for another change, for the seeds), or null
     */
    record Member(String id, String url, @JsonProperty("status") String liveness, String announced, double phi,
                  long generation, String circuitBreaker, double ownership, Map<String, Object> info, String state,
                  Map<String, Object> streaming, String waiting) {
    }

    /** The ring as tokens for drawing it. */
    record RingResponse(List<Token> tokens) {
    }

    record Token(String token, String owner) {
    }

    @GetMapping("/v1/cluster")
    @Operation(operationId = "getCluster", summary = "Members, states and ring ownership")
    ClusterResponse cluster(HttpServletRequest request) {
        // The nodes' internal addresses and what they hold are for operators (and the dashboard's backend) only.
        ClusterSecret held = secret.get();
        boolean operator = !held.isConfigured() || held.matches(request.getHeader(Headers.CLUSTER_SECRET));
        Map<String, Double> ownership = view.ring().primaryOwnership();
        List<Member> members = new ArrayList<>();
        for (ClusterView.Member member : view.members()) {
            members.add(member(member, operator, ownership.getOrDefault(member.id(), 0.0)));
        }
        Topology topology = view.topology();
        return new ClusterResponse(view.replicationFactor(), view.virtualNodes(),
                properties.mode().wireName(), properties.defaultConsistency(), view.observer(),
                view.refreshedAtMillis(), members, topology == null ? 0 : topology.epoch(),
                topology == null ? null : topology.version().toString(), transition(topology));
    }

    private Member member(ClusterView.Member member, boolean operator, double ownership) {
        StreamingProgress streaming = poller.streaming(member.id());
        boolean receiving = streaming != null && !"idle".equals(streaming.phase());
        return new Member(member.id(), operator ? member.address().baseUri().toString() : null,
                member.liveness() == null ? "unknown" : member.liveness().wireName(), member.status().wireName(),
                member.phi(), member.generation(), guard.state(member.id()), ownership,
                operator ? poller.info(member.id()) : null, member.state(),
                receiving ? json.convertValue(streaming, AS_MAP) : null,
                "waiting".equals(member.state()) ? poller.waiting(member.id()) : null);
    }

    private Transition transition(Topology topology) {
        if (topology == null || !topology.inTransition()) {
            return null;
        }
        String changing = topology.changing().orElseThrow();
        String kind = topology.state(changing) == MemberState.JOINING ? "join"
                : topology.isBeingRemoved(changing) ? "remove" : "decommission";
        Set<String> gaining = new TreeSet<>();
        topology.transfers().forEach(t -> gaining.add(t.to()));
        int done = 0;
        int total = 0;
        long keys = 0;
        long bytes = 0;
        double rate = 0;
        Long eta = 0L;
        for (String id : gaining) {
            StreamingProgress progress = poller.streaming(id);
            if (progress == null || !topology.version().toString().equals(progress.version())) {
                eta = null;
                continue;
            }
            done += progress.rangesDone();
            total += progress.rangesTotal();
            keys += progress.keys();
            bytes += progress.bytes();
            rate += progress.bytesPerSecond();
            eta = eta == null || progress.etaSeconds() == null ? null : Math.max(eta, progress.etaSeconds());
        }
        return new Transition(kind, changing, done, total, keys, bytes, rate, eta);
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
