package dev.kv.node.gossip;

import dev.kv.core.contract.InternalPaths;
import dev.kv.core.membership.EndpointState;
import dev.kv.core.membership.Liveness;
import dev.kv.core.membership.Membership;
import dev.kv.core.membership.NodeStatus;
import dev.kv.core.placement.MemberState;
import dev.kv.core.placement.Topology;
import dev.kv.core.placement.TopologyMessage;
import dev.kv.node.config.NodeProperties;
import dev.kv.node.membership.MembershipProperties;
import dev.kv.node.membership.TopologyService;
import dev.kv.node.peer.PeerClient;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

import java.net.http.HttpResponse;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

/**
 * Runs the gossip rounds of {@link Membership} over HTTP (the message flow is described there): once per interval,
 * SYN to the peers it picks, ACK2 back when the answer asks for states. On shutdown the node announces it, so peers
 * mark it down at once rather than after the detector's delay.
 */
@Component
public class GossipService {

    private static final Logger log = LoggerFactory.getLogger(GossipService.class);

    private final NodeProperties node;
    private final GossipProperties properties;
    private final PeerClient peers;
    private final JsonMapper json;
    private final InstantSource clock;
    private final MeterRegistry registry;
    private final TopologyService topologies;
    private final String serverAddress;
    /** Draws under the membership's lock ({@link Membership#gossipTargets}), so rounds never share it at once. */
    private final RandomGenerator random;
    private final Map<String, Boolean> phiGauges = new ConcurrentHashMap<>();
    private final Map<String, Long> departedSince = new ConcurrentHashMap<>();
    private final Map<String, Long> refusalsLogged = new ConcurrentHashMap<>();
    private final java.time.Duration quarantine;
    private volatile Membership membership;

    GossipService(NodeProperties node, GossipProperties properties, PeerClient peers, JsonMapper json,
                  InstantSource clock, MeterRegistry registry, TopologyService topologies,
                  MembershipProperties membershipProperties, RandomGenerator random,
                  // Spring Boot's own setting, read as written: its ServerProperties holds it resolved to an
                  // InetAddress, which would put an address where the operator wrote a host name to advertise.
                  @Value("${server.address:127.0.0.1}") String serverAddress) {
        this.topologies = topologies;
        this.quarantine = membershipProperties.quarantine();
        this.node = node;
        this.properties = properties;
        this.peers = peers;
        this.json = json;
        this.clock = clock;
        this.registry = registry;
        this.serverAddress = serverAddress;
        this.random = random;
    }

    /**
     * Joins once the data port is known (it may be chosen at random in tests). The management port's server announces
     * itself too (its context's events reach this one): it has a server namespace, and is not the node's address.
     */
    @EventListener
    void onWebServerStarted(WebServerInitializedEvent event) {
        if (event.getApplicationContext().getServerNamespace() != null) {
            return;
        }
        String address = properties.advertiseAddress() != null && !properties.advertiseAddress().isBlank()
                ? GossipProperties.toUrl(properties.advertiseAddress(), peers.scheme())
                : peers.scheme() + "://" + serverAddress + ":" + event.getWebServer().getPort();
        long generation = clock.millis();
        membership = new Membership(new EndpointState(node.id(), address, generation, 1, NodeStatus.NORMAL),
                new Membership.DetectorSettings(properties.phiThreshold(), 100, properties.interval().toMillis(),
                        properties.minStdDeviation().toMillis(), properties.acceptablePause().toMillis()));
        log.info("gossip: node {} at {} generation {}, seeds {}", node.id(), address, generation,
                properties.seedUrls(peers.scheme()));
        round();
    }

    /** The membership, or {@code null} before the web server is up. */
    public Membership membership() {
        return membership;
    }

    public Liveness liveness(String nodeId) {
        Membership current = membership;
        return current == null ? Liveness.DOWN : current.liveness(nodeId, clock.millis());
    }

    @Scheduled(fixedDelayString = "${kv.gossip.interval:1s}")
    void round() {
        Membership current = membership;
        if (current == null) {
            return;
        }
        current.tick();
        long now = clock.millis();
        for (String target : current.gossipTargets(properties.seedUrls(peers.scheme()), random, now)) {
            exchange(current, target);
        }
        registerPhiGauges(current, now);
        forgetDeparted(current, now);
    }

    /** Members that left or were removed are forgotten once their quarantine has passed. */
    private void forgetDeparted(Membership current, long now) {
        Topology topology = topologies.current().orElse(null);
        if (topology == null) {
            return;
        }
        for (Membership.Member member : current.members(now)) {
            String id = member.state().nodeId();
            MemberState state = topology.state(id);
            if (member.local() || state == null || !state.isGone()) {
                departedSince.remove(id);
                continue;
            }
            long since = departedSince.computeIfAbsent(id, ignored -> now);
            if (now - since >= quarantine.toMillis()) {
                current.forget(id);
                departedSince.remove(id);
                log.info("gossip: forgot {} ({} for {})", id, state.name().toLowerCase(java.util.Locale.ROOT),
                        quarantine);
            }
        }
    }

    CompletableFuture<Void> exchange(Membership current, String target) {
        byte[] syn = json.writeValueAsBytes(new GossipMessages.Syn(current.local(), current.digests(),
                ownTopology()));
        return peers.post(target, InternalPaths.GOSSIP_SYN, "application/json", syn, properties.timeout())
                .thenCompose(response -> {
                    if (response.statusCode() != 200) {
                        if (response.statusCode() == 401 || response.statusCode() == 403) {
                            refused(target, "HTTP " + response.statusCode() + " (wrong cluster secret or member "
                                    + "certificate)");
                        }
                        return CompletableFuture.completedFuture(null);
                    }
                    GossipMessages.Ack ack = json.readValue(response.body(), GossipMessages.Ack.class);
                    topologies.adopt(ack.topology());
                    List<EndpointState> wanted = current.onAck(new Membership.Ack(ack.states(), ack.wanted()),
                            clock.millis());
                    if (wanted.isEmpty()) {
                        return CompletableFuture.completedFuture(null);
                    }
                    byte[] ack2 = json.writeValueAsBytes(new GossipMessages.Ack2(wanted));
                    return peers.post(target, InternalPaths.GOSSIP_ACK2, "application/json", ack2,
                            properties.timeout()).thenApply(HttpResponse::statusCode);
                })
                .handle((ignored, failure) -> {
                    if (failure != null && causedBy(failure, javax.net.ssl.SSLException.class)) {
                        refused(target, "TLS handshake failed: " + rootCause(failure).getMessage());
                    } else if (failure != null) {
                        log.debug("gossip with {} failed: {}", target, failure.toString());
                    }
                    return null;
                });
    }

    /**
     * A peer that refuses this node's credentials, or whose certificate this node refuses, is a configuration error an
     * operator must see (a node that never joins); said once a minute per peer, not every round.
     */
    private void refused(String target, String why) {
        long now = clock.millis();
        Long last = refusalsLogged.get(target);
        if (last == null || now - last >= 60_000) {
            refusalsLogged.put(target, now);
            log.warn("gossip: {} and this node do not accept each other as members: {}", target, why);
        }
    }

    private static boolean causedBy(Throwable failure, Class<? extends Throwable> type) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return true;
            }
        }
        return false;
    }

    private static Throwable rootCause(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    GossipMessages.Ack onSyn(GossipMessages.Syn syn) {
        Membership current = requireStarted();
        long now = clock.millis();
        current.apply(List.of(syn.from()), now);
        Membership.Ack ack = current.onSyn(syn.digests(), now);
        topologies.adopt(syn.topology());
        return new GossipMessages.Ack(ack.states(), ack.wanted(), ownTopology());
    }

    private TopologyMessage ownTopology() {
        return topologies.current().map(TopologyMessage::of).orElse(null);
    }

    /** One extra round now, with every known peer: a request showed that this node is behind. */
    public void catchUp() {
        Membership current = membership;
        if (current == null) {
            return;
        }
        for (Membership.Member member : current.members(clock.millis())) {
            if (!member.local()) {
                exchange(current, member.state().address());
            }
        }
    }

    void onAck2(GossipMessages.Ack2 ack2) {
        requireStarted().apply(ack2.states(), clock.millis());
    }

    private Membership requireStarted() {
        Membership current = membership;
        if (current == null) {
            throw new IllegalStateException("gossip not started yet");
        }
        return current;
    }

    /** Tells every live peer that this node is going away, waiting at most a second. */
    @PreDestroy
    void announceShutdown() {
        Membership current = membership;
        if (current == null) {
            return;
        }
        current.announce(NodeStatus.SHUTDOWN);
        List<CompletableFuture<Void>> calls = new ArrayList<>();
        long now = clock.millis();
        for (Membership.Member member : current.members(now)) {
            if (!member.local() && member.liveness() != Liveness.DOWN) {
                calls.add(exchange(current, member.state().address()));
            }
        }
        try {
            CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(1, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.info("shutdown announcement not confirmed by every peer: {}", e.toString());
        }
    }

    private void registerPhiGauges(Membership current, long now) {
        for (Membership.Member member : current.members(now)) {
            String peer = member.state().nodeId();
            if (!member.local() && phiGauges.putIfAbsent(peer, Boolean.TRUE) == null) {
                Gauge.builder("kv.gossip.phi", () -> phiOf(peer)).tag("peer", peer)
                        .description("phi-accrual suspicion of a peer as judged by this node").register(registry);
            }
        }
    }

    private double phiOf(String peer) {
        Membership current = membership;
        if (current == null) {
            return 0;
        }
        return current.members(clock.millis()).stream().filter(m -> m.state().nodeId().equals(peer))
                .mapToDouble(Membership.Member::phi).findFirst().orElse(0);
    }
}
