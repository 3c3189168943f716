package dev.kv.gateway.routing;

import dev.kv.core.cluster.MemberAddress;
import dev.kv.core.ring.TokenRing;
import dev.kv.gateway.config.GatewayProperties;
import dev.kv.gateway.replica.ReplicaGuard;
import org.springframework.stereotype.Component;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where keys live and which nodes are usable, as the gateway last learned it from the nodes' gossip. The gateway
 * keeps no membership state of its own: a restarted gateway rebuilds this view from any seed within a second. The
 * ring is rebuilt only when the member set changes; liveness is refreshed every time.
 */
@Component
public class ClusterView {

    /**
     * A member as the view shows it.
     *
     * @param address    where to reach it
     * @param liveness   alive, suspect or down as the answering node judged it ({@code unknown} before any view)
     * @param phi        that node's suspicion
     * @param generation the member's process generation
     * @param status     what the member announces (normal, shutdown)
     */
    public record Member(NodeAddress address, String liveness, double phi, long generation, String status) {

        public String id() {
            return address.id();
        }
    }

    private record Snapshot(Map<String, Member> members, TokenRing ring, String observer, long refreshedAtMillis) {
    }

    private final int replicationFactor;
    private final int virtualNodes;
    private final List<URI> seeds;
    private final ReplicaGuard guard;
    private volatile Snapshot snapshot;

    public ClusterView(GatewayProperties properties, ReplicaGuard guard) {
        this.replicationFactor = properties.replicationFactor();
        this.virtualNodes = properties.virtualNodes();
        this.guard = guard;
        Map<String, Member> bootstrap = new LinkedHashMap<>();
        Set<URI> seedUris = new LinkedHashSet<>();
        for (String spec : properties.nodes()) {
            NodeAddress address = NodeAddress.parse(spec);
            if (bootstrap.put(address.id(), new Member(address, "unknown", 0, 0, "normal")) != null) {
                throw new IllegalArgumentException("node id " + address.id() + " is configured twice");
            }
            seedUris.add(address.baseUri());
        }
        for (String seed : properties.seeds()) {
            String url = seed.startsWith("http://") || seed.startsWith("https://") ? seed : "http://" + seed;
            seedUris.add(URI.create(MemberAddress.validate(url) + "/"));
        }
        this.seeds = List.copyOf(seedUris);
        this.snapshot = new Snapshot(bootstrap, TokenRing.of(bootstrap.keySet(), virtualNodes), null, 0);
    }

    /**
     * Replaces the view with what a node reported. A member that restarted (new generation) or came back (down to
     * alive) has its circuit breaker closed: the breaker's history belongs to the process gossip has just seen
     * replaced or recovered, and keeping it open would turn the recovered node away for another wait period.
     */
    public void update(List<Member> members, String observer, long nowMillis) {
        Map<String, Member> byId = new LinkedHashMap<>();
        Snapshot current = snapshot;
        for (Member member : members) {
            byId.put(member.id(), member);
            Member before = current.members().get(member.id());
            boolean restarted = before != null && before.generation() != 0
                    && before.generation() != member.generation();
            boolean recovered = before != null && "down".equals(before.liveness())
                    && "alive".equals(member.liveness());
            if (restarted || recovered) {
                guard.reset(member.id());
            }
        }
        TokenRing ring = current.members().keySet().equals(byId.keySet()) ? current.ring()
                : TokenRing.of(byId.keySet(), virtualNodes);
        snapshot = new Snapshot(byId, ring, observer, nowMillis);
    }

    /** The key's N home replicas in ring order. */
    public List<NodeAddress> preferenceList(byte[] key) {
        Snapshot current = snapshot;
        List<NodeAddress> result = new ArrayList<>(replicationFactor);
        for (String id : current.ring().preferenceList(key, replicationFactor)) {
            result.add(current.members().get(id).address());
        }
        return result;
    }

    /**
     * Whether a replica is worth calling first: not judged down by gossip and its breaker is closed. Only orders
     * attempts and routes copies to hints; a replica that is "unusable" by mistake costs time, never data.
     */
    public boolean isUsable(String nodeId) {
        Member member = snapshot.members().get(nodeId);
        return member != null && !"down".equals(member.liveness()) && guard.admitsCalls(nodeId);
    }

    /** The replicas in preference order, usable ones first. */
    public List<NodeAddress> usableFirst(List<NodeAddress> replicas) {
        List<NodeAddress> ordered = new ArrayList<>(replicas.size());
        replicas.stream().filter(r -> isUsable(r.id())).forEach(ordered::add);
        replicas.stream().filter(r -> !isUsable(r.id())).forEach(ordered::add);
        return ordered;
    }

    public NodeAddress address(String nodeId) {
        Member member = snapshot.members().get(nodeId);
        return member == null ? null : member.address();
    }

    public TokenRing ring() {
        return snapshot.ring();
    }

    public int replicationFactor() {
        return replicationFactor;
    }

    public List<Member> members() {
        return List.copyOf(snapshot.members().values());
    }

    public List<URI> seeds() {
        return seeds;
    }

    /** The node whose judgement the view holds, and when it was taken. */
    public String observer() {
        return snapshot.observer();
    }

    public long refreshedAtMillis() {
        return snapshot.refreshedAtMillis();
    }

    public boolean isReady() {
        return !snapshot.ring().isEmpty();
    }
}
