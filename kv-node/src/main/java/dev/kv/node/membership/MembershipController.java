package dev.kv.node.membership;

import dev.kv.core.contract.InternalPaths;
import dev.kv.core.membership.Liveness;
import dev.kv.core.membership.TransitionRules;
import dev.kv.core.placement.StreamingProgress;
import dev.kv.core.placement.Topology;
import dev.kv.core.placement.TopologyChangeRefusedException;
import dev.kv.core.placement.TopologyMessage;
import dev.kv.node.gossip.GossipService;
import dev.kv.node.streaming.RangeStreamer;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Membership changes on the internal API (the gateway's {@code /admin/v1/nodes/...} calls these).
 *
 * <pre>
 * POST /internal/v1/topology                   TopologyMessage → 200 this node's topology (after adopting a newer one)
 * POST /internal/v1/membership/decommission    → 202 {topology} | 409 refused (another change, too few members)
 * POST /internal/v1/membership/remove?node=ID  → 202 {topology} | 409 refused (ID still alive, another change)
 * POST /internal/v1/cleanup                    → 202 {cleanup progress} | 409 while a change is under way
 * GET  /internal/v1/cleanup                    → cleanup progress
 * GET  /internal/v1/streaming                  → {version, done, progress of the ranges this node gains}
 * </pre>
 */
@RestController
class MembershipController {

    private final TopologyService topologies;
    private final TopologyBroadcaster broadcaster;
    private final GossipService gossip;
    private final RangeStreamer streamer;
    private final TransitionDriver driver;
    private final RangeCleanup cleanup;

    MembershipController(TopologyService topologies, TopologyBroadcaster broadcaster, GossipService gossip,
                         RangeStreamer streamer, TransitionDriver driver, RangeCleanup cleanup) {
        this.topologies = topologies;
        this.broadcaster = broadcaster;
        this.gossip = gossip;
        this.streamer = streamer;
        this.driver = driver;
        this.cleanup = cleanup;
    }

    @PostMapping(InternalPaths.TOPOLOGY)
    ResponseEntity<TopologyMessage> exchange(@RequestBody TopologyMessage incoming) {
        topologies.adopt(incoming);
        return topologies.current().map(t -> ResponseEntity.ok(TopologyMessage.of(t)))
                .orElseGet(() -> ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).build());
    }

    @PostMapping(InternalPaths.DECOMMISSION)
    ResponseEntity<?> decommission() {
        return change(t -> t.decommission(topologies.localId()));
    }

    @PostMapping(InternalPaths.REMOVE)
    ResponseEntity<?> remove(@RequestParam("node") String node) {
        dev.kv.core.cluster.MemberAddress.validateNodeId(node);
        if (node.equals(topologies.localId()) || gossip.liveness(node) != Liveness.DOWN) {
            return refused(node + " is alive (as this node's failure detector judges it): decommission it instead,"
                    + " or stop it first; only a dead node can be removed");
        }
        return change(t -> t.remove(node));
    }

    private ResponseEntity<?> change(UnaryOperator<Topology> change) {
        // Propose on the newest topology any member holds, not on what this node happened to hear last.
        broadcaster.exchange();
        try {
            Topology proposed = topologies.propose(change);
            broadcaster.exchange();
            return ResponseEntity.accepted().body(Map.of("topologyVersion", proposed.version().toString(),
                    "topology", TopologyMessage.of(proposed)));
        } catch (TopologyChangeRefusedException e) {
            return refused(e.getMessage());
        } catch (IllegalStateException e) {
            return refused(e.getMessage());
        }
    }

    @PostMapping(InternalPaths.CLEANUP)
    ResponseEntity<?> startCleanup() {
        Topology topology = topologies.current().orElse(null);
        if (topology == null || topology.inTransition()) {
            return refused("a membership change is under way; cleanup runs once it is complete (it would drop data"
                    + " the change may still need)");
        }
        cleanup.start();
        return ResponseEntity.accepted().body(cleanup.progress());
    }

    @GetMapping(InternalPaths.CLEANUP)
    RangeCleanup.Progress cleanupProgress() {
        return cleanup.progress();
    }

    @GetMapping(InternalPaths.STREAMING)
    Map<String, Object> streaming() {
        Map<String, Object> status = new LinkedHashMap<>();
        Topology topology = topologies.current().orElse(null);
        StreamingProgress progress = streamer.progress();
        status.put("version", topology == null ? null : topology.version().toString());
        status.put("done", topology != null && doneFor(topology, topologies, streamer, driver));
        status.put("state", topologies.localState().map(s -> s.name().toLowerCase(java.util.Locale.ROOT))
                .orElse("waiting"));
        status.put("waiting", driver.waitingReason());
        status.put("progress", progress);
        return status;
    }

    /** Whether this node has done its part of the change under way: ranges merged, hints handed over if leaving. */
    static boolean doneFor(Topology topology, TopologyService topologies, RangeStreamer streamer,
                           TransitionDriver driver) {
        return TransitionRules.partDone(topology, topologies.localId(), streamer.doneFor(topology.version()),
                driver.hintsHandedOver());
    }

    private static ResponseEntity<ProblemDetail> refused(String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, detail);
        problem.setType(URI.create("urn:kv:problem:membership-change-refused"));
        problem.setTitle("Membership change refused");
        return ResponseEntity.status(HttpStatus.CONFLICT).contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(problem);
    }
}
