package dev.kv.node.membership;

import dev.kv.core.contract.InternalPaths;
import dev.kv.core.membership.Liveness;
import dev.kv.core.membership.TransitionRules;
import dev.kv.core.placement.MemberState;
import dev.kv.core.placement.Topology;
import dev.kv.core.placement.TopologyChangeRefusedException;
import dev.kv.node.gossip.GossipProperties;
import dev.kv.node.gossip.GossipService;
import dev.kv.node.hints.HintHandover;
import dev.kv.node.peer.PeerClient;
import dev.kv.node.streaming.RangeStreamer;
import dev.kv.web.runtime.Json;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Moves this node through its membership changes (issue 12), once per {@code kv.membership.drive-interval}.
 *
 * <ul>
 *   <li><b>Join.</b> A node that is not a member (or joins anew after it left) proposes its join when no other
 *       change is under way and it is the lowest id among the nodes waiting to join, after exchanging topologies
 *       with every member so it proposes on the newest one: nodes started together join one after the other, in id
 *       order. Until then it waits, not ready, and says why ({@link #waitingReason()}).</li>
 *   <li><b>Completion.</b> The member that is changing (the joiner, the leaving node) checks whether every member
 *       that gains ranges has merged them, and a leaving node whether its hints were handed over; then it proposes
 *       the completion. For the removal of a dead node the lowest-id live normal member does this.</li>
 *   <li>A decommissioned node hands its hints over while it leaves; once left it serves nothing.</li>
 * </ul>
 */
@Component
public class TransitionDriver {

    private static final Logger log = LoggerFactory.getLogger(TransitionDriver.class);
    private static final JsonMapper JSON = Json.mapper();
    private static final Duration STATUS_TIMEOUT = Duration.ofSeconds(1);
    /** Gossip rounds to listen before proposing a join, so nodes started together have heard of each other. */
    private static final int ROUNDS_BEFORE_JOIN = 3;

    private final TopologyService topologies;
    private final TopologyBroadcaster broadcaster;
    private final GossipService gossip;
    private final RangeStreamer streamer;
    private final HintHandover handover;
    private final PeerClient peers;
    private final InstantSource clock;
    private final long listenBeforeJoinMillis;
    private final long startedAt;
    private final Counter changes;
    private volatile boolean hintsHandedOver;
    private volatile String waitingReason;

    TransitionDriver(TopologyService topologies, TopologyBroadcaster broadcaster, GossipService gossip,
                     RangeStreamer streamer, HintHandover handover, PeerClient peers, GossipProperties gossipProperties,
                     InstantSource clock, MeterRegistry registry) {
        this.topologies = topologies;
        this.broadcaster = broadcaster;
        this.gossip = gossip;
        this.streamer = streamer;
        this.handover = handover;
        this.peers = peers;
        this.clock = clock;
        this.listenBeforeJoinMillis = gossipProperties.interval().toMillis() * ROUNDS_BEFORE_JOIN;
        this.startedAt = clock.millis();
        this.changes = Counter.builder("kv.membership.changes").description("membership changes this node proposed")
                .register(registry);
    }

    /** Why this node is not a member yet, or null. */
    public String waitingReason() {
        return waitingReason;
    }

    /** Whether this node, leaving by decommission, has handed all its hints over. */
    public boolean hintsHandedOver() {
        return hintsHandedOver;
    }

    @Scheduled(fixedDelayString = "${kv.membership.drive-interval:1s}")
    void drive() {
        Topology topology = topologies.current().orElse(null);
        if (gossip.membership() == null) {
            return;
        }
        if (topology == null) {
            waitingReason = "has not learned the ring from its seeds yet";
            return;
        }
        MemberState state = topology.state(topologies.localId());
        if (state == null || state.isGone()) {
            if (state != null && topologies.leftWhileRunning()) {
                waitingReason = null;
                return; // left or removed while this process ran: it serves nothing and waits to be stopped
            }
            tryJoin(topology);
            return;
        }
        waitingReason = null;
        streamer.start();
        if (state == MemberState.LEAVING && !topology.isBeingRemoved(topologies.localId())) {
            hintsHandedOver = handover.handOver();
        }
        if (topology.inTransition() && drivesCompletion(topology)) {
            completeIfDone(topology);
        }
    }

    private void tryJoin(Topology topology) {
        if (clock.millis() - startedAt < listenBeforeJoinMillis) {
            waitingReason = "listening to gossip before joining";
            return;
        }
        broadcaster.exchange();
        Topology newest = topologies.current().orElse(topology);
        Optional<String> blocker = TransitionRules.joinBlocker(newest, topologies.localId(), aliveIds());
        if (blocker.isPresent()) {
            waiting(blocker.get());
            return;
        }
        try {
            Topology proposed = topologies.propose(t -> t.join(topologies.localId()));
            changes.increment();
            log.info("membership: proposed to join as {}", proposed.version());
            broadcaster.exchange();
        } catch (TopologyChangeRefusedException e) {
            waiting(e.getMessage());
        }
    }

    private void waiting(String reason) {
        if (!reason.equals(waitingReason)) {
            log.info("membership: waiting to join: {}", reason);
        }
        waitingReason = reason;
    }

    /** The nodes gossip judges alive now. */
    private List<String> aliveIds() {
        return gossip.membership().members(clock.millis()).stream().filter(m -> m.liveness() == Liveness.ALIVE)
                .map(m -> m.state().nodeId()).toList();
    }

    private boolean drivesCompletion(Topology topology) {
        return TransitionRules.drivesCompletion(topology, topologies.localId(), aliveIds());
    }

    private void completeIfDone(Topology topology) {
        Set<String> participants = TransitionRules.participants(topology);
        for (String participant : participants) {
            if (!isDone(participant, topology)) {
                return;
            }
        }
        try {
            Topology completed = topologies.propose(t -> {
                if (!t.version().equals(topology.version())) {
                    throw new TopologyChangeRefusedException("the topology changed meanwhile (" + t.version() + ")");
                }
                return t.complete();
            });
            changes.increment();
            log.info("membership: every range of {} has moved; completed as {}", topology.version(),
                    completed.version());
            broadcaster.exchange();
        } catch (TopologyChangeRefusedException e) {
            log.info("membership: completion refused: {}", e.getMessage());
        }
    }

    private boolean isDone(String participant, Topology topology) {
        if (participant.equals(topologies.localId())) {
            return MembershipController.doneFor(topology, topologies, streamer, this);
        }
        String address = gossip.membership().members(clock.millis()).stream()
                .filter(m -> m.state().nodeId().equals(participant)).map(m -> m.state().address()).findFirst()
                .orElse(null);
        if (address == null || gossip.liveness(participant) == Liveness.DOWN) {
            return false;
        }
        try {
            HttpResponse<byte[]> response = peers.get(address, InternalPaths.STREAMING, STATUS_TIMEOUT)
                    .get(STATUS_TIMEOUT.toMillis() + 200, TimeUnit.MILLISECONDS);
            if (response.statusCode() != 200) {
                return false;
            }
            JsonNode status = JSON.readTree(response.body());
            return status.path("version").asString("").equals(topology.version().toString())
                    && status.path("done").asBoolean(false);
        } catch (Exception e) {
            log.debug("streaming status of {} unavailable: {}", participant, e.toString());
            return false;
        }
    }
}
