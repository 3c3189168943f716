package dev.kv.node.hints;

import dev.kv.core.contract.InternalPaths;
import dev.kv.core.key.KeyCodec;
import dev.kv.core.membership.Liveness;
import dev.kv.core.membership.Membership;
import dev.kv.core.placement.MemberState;
import dev.kv.core.placement.Topology;
import dev.kv.node.gossip.GossipService;
import dev.kv.node.membership.TopologyService;
import dev.kv.node.peer.PeerClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.net.http.HttpResponse;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A decommissioned node's last duty before it leaves (issue 12): the hints it holds for other nodes go to a member
 * that stays, which delivers them as its own. A decommission completes only once none is left here.
 */
@Component
public class HintHandover {

    private static final Logger log = LoggerFactory.getLogger(HintHandover.class);
    private static final int BATCH = 500;

    private final HintStore hints;
    private final GossipService gossip;
    private final TopologyService topologies;
    private final PeerClient peers;
    private final HintProperties properties;
    private final InstantSource clock;

    HintHandover(HintStore hints, GossipService gossip, TopologyService topologies, PeerClient peers,
                 HintProperties properties, InstantSource clock) {
        this.hints = hints;
        this.gossip = gossip;
        this.topologies = topologies;
        this.peers = peers;
        this.properties = properties;
        this.clock = clock;
    }

    /** Hands a batch of every target's pending hints to members that stay; true once none is left. */
    public boolean handOver() {
        Map<String, Long> pending = hints.pendingByTarget();
        if (pending.values().stream().allMatch(count -> count <= 0)) {
            return true;
        }
        Membership membership = gossip.membership();
        Topology topology = topologies.current().orElse(null);
        if (membership == null || topology == null) {
            return false;
        }
        long now = clock.millis();
        List<Membership.Member> stayers = membership.members(now).stream()
                .filter(m -> !m.local() && m.liveness() == Liveness.ALIVE
                        && topology.state(m.state().nodeId()) == MemberState.NORMAL)
                .toList();
        for (Map.Entry<String, Long> entry : pending.entrySet()) {
            String target = entry.getKey();
            Membership.Member holder = stayers.stream().filter(m -> !m.state().nodeId().equals(target)).findFirst()
                    .orElse(null);
            if (entry.getValue() <= 0 || holder == null) {
                continue;
            }
            handOver(target, holder.state().address());
        }
        return hints.pendingByTarget().values().stream().allMatch(count -> count <= 0);
    }

    private void handOver(String target, String holder) {
        int moved = 0;
        for (HintStore.Hint hint : hints.oldest(target, BATCH)) {
            String key = KeyCodec.encode(hint.key().key());
            try {
                HttpResponse<byte[]> response = peers.put(holder,
                        InternalPaths.HINTS + "?target=" + target + "&key=" + key, hint.record(), properties.timeout())
                        .get(properties.timeout().toMillis() + 100, TimeUnit.MILLISECONDS);
                if (response.statusCode() / 100 != 2) {
                    log.info("hint handover to {} refused: HTTP {}", holder, response.statusCode());
                    return;
                }
                hints.delivered(hint);
                moved++;
            } catch (Exception e) {
                log.info("hint handover to {} failed: {}", holder, e.toString());
                return;
            }
        }
        log.info("handed {} hints for {} over to {}", moved, target, holder);
    }
}
