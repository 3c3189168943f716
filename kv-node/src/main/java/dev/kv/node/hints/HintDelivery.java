package dev.kv.node.hints;

import dev.kv.core.contract.InternalPaths;
import dev.kv.core.hints.HintDeliveryPlan;
import dev.kv.core.key.KeyCodec;
import dev.kv.core.membership.Liveness;
import dev.kv.core.membership.Membership;
import dev.kv.node.faults.Failpoint;
import dev.kv.node.faults.Failpoints;
import dev.kv.node.gossip.GossipService;
import dev.kv.node.peer.PeerClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import java.net.http.HttpResponse;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Hinted handoff, the delivery side.
 *
 * <pre>
 * gateway ──PUT /internal/v1/hints?target=T&key=K (record)──▶ holder    (T was down: the holder keeps the copy)
 * every interval, for each T with pending hints that gossip judges alive:
 *   holder ──PUT /internal/v1/replica?key=K (record)──▶ T   oldest first, at most the delivery rate
 *   on success the hint is deleted; hints older than the window are dropped (anti-entropy repairs what they held)
 * </pre>
 *
 * What to drop and what to send in a round is kv-core's {@link HintDeliveryPlan}, which the simulator runs too; this
 * class reads the hints, asks gossip about the target, sends and deletes. Delivery is a merge, so a hint delivered
 * twice (after a crash between send and delete) does no harm.
 */
@Component
class HintDelivery {

    private static final Logger log = LoggerFactory.getLogger(HintDelivery.class);

    private final HintStore hints;
    private final GossipService gossip;
    private final PeerClient peers;
    private final HintProperties properties;
    private final InstantSource clock;
    private final Failpoints failpoints;

    HintDelivery(HintStore hints, GossipService gossip, PeerClient peers, HintProperties properties,
                 InstantSource clock, Failpoints failpoints) {
        this.failpoints = failpoints;
        this.hints = hints;
        this.gossip = gossip;
        this.peers = peers;
        this.properties = properties;
        this.clock = clock;
    }

    @Scheduled(fixedDelayString = "${kv.hints.delivery-interval:1s}")
    void deliver() {
        Membership membership = gossip.membership();
        if (membership == null) {
            return;
        }
        int perRound = HintDeliveryPlan.hintsPerRound(properties.deliveryRate(), properties.deliveryInterval());
        long now = clock.millis();
        for (Map.Entry<String, Long> entry : hints.pendingByTarget().entrySet()) {
            if (entry.getValue() <= 0) {
                continue;
            }
            String target = entry.getKey();
            String address = membership.liveness(target, now) != Liveness.ALIVE ? null
                    : membership.members(now).stream().filter(m -> m.state().nodeId().equals(target))
                    .map(m -> m.state().address()).findFirst().orElse(null);
            HintDeliveryPlan<HintStore.Hint> plan = HintDeliveryPlan.of(hints.policy(), hints.oldest(target, perRound),
                    hint -> hint.key().storedAtMillis(), address != null, now);
            plan.expired().forEach(hints::expired);
            if (!plan.send().isEmpty()) {
                deliverBatch(target, address, plan.send());
            }
        }
    }

    private void deliverBatch(String target, String address, List<HintStore.Hint> batch) {
        int delivered = 0;
        for (HintStore.Hint hint : batch) {
            String key = KeyCodec.encode(hint.key().key());
            try {
                failpoints.fire(Failpoint.HINT_DELIVER_BEFORE);
                HttpResponse<byte[]> response = peers.put(address, InternalPaths.REPLICA + "?key=" + key, hint.record(),
                        properties.timeout()).get(properties.timeout().toMillis() + 100, TimeUnit.MILLISECONDS);
                if (response.statusCode() / 100 != 2) {
                    log.info("hint delivery to {} refused: HTTP {}", target, response.statusCode());
                    break;
                }
                failpoints.fire(Failpoint.HINT_DELIVER_AFTER);
                hints.delivered(hint);
                delivered++;
            } catch (Exception e) {
                log.info("hint delivery to {} failed: {}; retrying next round", target, e.toString());
                break;
            }
        }
        if (delivered > 0) {
            log.info("delivered {} hints to {} ({} pending)", delivered, target,
                    hints.pendingByTarget().getOrDefault(target, 0L));
        }
    }
}
