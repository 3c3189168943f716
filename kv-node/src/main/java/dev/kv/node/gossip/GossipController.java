package dev.kv.node.gossip;

import dev.kv.core.contract.InternalPaths;
import dev.kv.core.membership.ClusterViewMessage;
import dev.kv.core.membership.Membership;
import dev.kv.core.placement.MemberState;
import dev.kv.core.placement.Topology;
import dev.kv.core.placement.TopologyMessage;
import dev.kv.core.quorum.InvalidParameterException;
import dev.kv.node.membership.TopologyService;
import dev.kv.node.membership.TransitionDriver;
import dev.kv.node.streaming.RangeStreamer;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import java.time.InstantSource;
import java.util.List;
import java.util.Locale;

/**
 * Gossip endpoints and the cluster view as this node judges it.
 *
 * <pre>
 * POST /internal/v1/gossip/syn   Syn  → Ack
 * POST /internal/v1/gossip/ack2  Ack2 → 204
 * GET  /internal/v1/cluster      → this node's view: every member with status, liveness and phi
 * </pre>
 */
@RestController
class GossipController {

    private final GossipService gossip;
    private final InstantSource clock;
    private final TopologyService topologies;
    private final RangeStreamer streamer;
    private final TransitionDriver driver;

    GossipController(GossipService gossip, InstantSource clock, TopologyService topologies, RangeStreamer streamer,
                     TransitionDriver driver) {
        this.gossip = gossip;
        this.clock = clock;
        this.topologies = topologies;
        this.streamer = streamer;
        this.driver = driver;
    }

    /*
     * Members enter the view only through these two calls, which Spring Security admits only with the cluster secret
     * (when one is configured); every state's id and address are checked as it is read (EndpointState refuses a
     * malformed one, and the whole message is answered 400), so no peer is ever asked to call anything but a plain
     * http[s]://host:port.
     */

    @PostMapping(InternalPaths.GOSSIP_SYN)
    GossipMessages.Ack syn(@RequestBody GossipMessages.Syn syn) {
        if (syn.from() == null || syn.digests() == null || syn.digests().contains(null)) {
            throw new InvalidParameterException("syn", "a SYN needs its sender's state and a list of digests");
        }
        return gossip.onSyn(syn);
    }

    @PostMapping(InternalPaths.GOSSIP_ACK2)
    ResponseEntity<Void> ack2(@RequestBody GossipMessages.Ack2 ack2) {
        if (ack2.states() == null || ack2.states().contains(null)) {
            throw new InvalidParameterException("ack2", "an ACK2 needs a list of states");
        }
        gossip.onAck2(ack2);
        return ResponseEntity.noContent().build();
    }

    @GetMapping(InternalPaths.CLUSTER)
    ResponseEntity<ClusterViewMessage> cluster() {
        Membership membership = gossip.membership();
        if (membership == null) {
            return ResponseEntity.status(503).build();
        }
        Topology topology = topologies.current().orElse(null);
        List<ClusterViewMessage.Member> members = membership.members(clock.millis()).stream()
                .map(m -> ClusterViewMessage.Member.of(m.state(), m.liveness(), Math.round(m.phi() * 100) / 100.0,
                        m.local(), stateOf(topology, m.state().nodeId())))
                .toList();
        return ResponseEntity.ok(new ClusterViewMessage(membership.local().nodeId(), members,
                topology == null ? null : TopologyMessage.of(topology), streamer.progress(),
                driver.waitingReason()));
    }

    private static String stateOf(Topology topology, String id) {
        MemberState state = topology == null ? null : topology.state(id);
        return state == null ? "waiting" : state.name().toLowerCase(Locale.ROOT);
    }
}
