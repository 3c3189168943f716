package dev.kv.gateway.routing;

import dev.kv.core.cluster.MemberAddress;
import dev.kv.core.membership.Liveness;
import dev.kv.core.membership.NodeStatus;
import dev.kv.core.placement.Placement;
import dev.kv.core.placement.Topology;
import dev.kv.core.placement.TopologyMessage;
import dev.kv.core.ring.TokenRing;
import dev.kv.gateway.config.GatewayProperties;
import dev.kv.gateway.replica.ReplicaGuard;
import dev.kv.web.tls.MemberTls;
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
     * @param liveness   how the answering node judged it; null before any node answered (unknown)
     * @param phi        that node's suspicion
     * @param generation the member's process generation
     * @param status     what the member announces
     * @param state      its place in the ring: joining, normal, leaving, left, removed, or waiting (not a member)
     */
    public record Member(NodeAddress address, Liveness liveness, double phi, long generation, NodeStatus status,
                         String state) {

        public Member(NodeAddress address, Liveness liveness, double phi, long generation, NodeStatus status) {
            this(address, liveness, phi, generation, status, "normal");
        }

        public String id() {
            return address.id();
        }

        /** Whether the answering node judged it down (never before any node answered). */
        public boolean judgedDown() {
            return liveness == Liveness.DOWN;
        }
    }

    /**
     * Where one key's data lives as this view routes it (issue 12): the placement's current and target replicas
     * (the same outside a membership change), the topology version requests are stamped with (null when no node
     * has told the gateway one), and the addresses of the replicas this view can reach.
     */
    public record Routing(Placement placement, String topology, Map<String, NodeAddress> addresses) {

        public List<NodeAddress> current() {
            List<String> ids = placement.current();
            List<NodeAddress> result = new ArrayList<>(ids.size());
            for (String id : ids) {
                NodeAddress address = addresses.get(id);
                if (address != null) {
                    result.add(address);
                }
            }
            return result;
        }
    }

    /**
     * @param topology the ring's members and states as the nodes hold it; when no node reported one (older nodes,
     *                 stubs), every member of the view counts as normal and requests are not stamped
     */
    private record Snapshot(Map<String, Member> members, Topology topology, boolean reported, Map<String,
            NodeAddress> addresses, String observer, long refreshedAtMillis) {
    }

    private final int replicationFactor;
    private final int virtualNodes;
    private final List<URI> seeds;
    private final ReplicaGuard guard;
    private volatile Snapshot snapshot;

    public ClusterView(GatewayProperties properties, ReplicaGuard guard, MemberTls tls) {
        this.replicationFactor = properties.replicationFactor();
        this.virtualNodes = properties.virtualNodes();
        this.guard = guard;
        Map<String, Member> bootstrap = new LinkedHashMap<>();
        Set<URI> seedUris = new LinkedHashSet<>();
        for (String spec : properties.nodes()) {
            NodeAddress address = NodeAddress.parse(spec);
            if (bootstrap.put(address.id(), new Member(address, null, 0, 0, NodeStatus.NORMAL)) != null) {
                throw new IllegalArgumentException("node id " + address.id() + " is configured twice");
            }
            seedUris.add(address.baseUri());
        }
        for (String seed : properties.seeds()) {
            String url = seed.startsWith("http://") || seed.startsWith("https://") ? seed : tls.scheme() + "://" + seed;
            seedUris.add(URI.create(MemberAddress.validate(url) + "/"));
        }
        this.seeds = List.copyOf(seedUris);
        this.snapshot = snapshot(bootstrap, null, null, 0);
    }

    private Snapshot snapshot(Map<String, Member> members, Topology reported, String observer, long atMillis) {
        Map<String, NodeAddress> addresses = new LinkedHashMap<>();
        members.forEach((id, member) -> addresses.put(id, member.address()));
        Topology topology = reported != null ? reported
                : Topology.of(members.keySet(), virtualNodes, replicationFactor);
        return new Snapshot(members, topology, reported != null, addresses, observer, atMillis);
    }

    /**
     * Replaces the view with what a node reported. A member that restarted (new generation) or came back (down to
     * alive) has its circuit breaker closed: the breaker's history belongs to the process gossip has just seen
     * replaced or recovered, and keeping it open would turn the recovered node away for another wait period.
     */
    public void update(List<Member> members, String observer, long nowMillis) {
        update(members, null, observer, nowMillis);
    }

    /** As {@link #update(List, String, long)}, with the newest topology the nodes reported (or null). */
    public void update(List<Member> members, Topology reported, String observer, long nowMillis) {
        Map<String, Member> byId = new LinkedHashMap<>();
        Snapshot current = snapshot;
        for (Member member : members) {
            byId.put(member.id(), member);
            Member before = current.members().get(member.id());
            boolean restarted = before != null && before.generation() != 0
                    && before.generation() != member.generation();
            boolean recovered = before != null && before.judgedDown() && member.liveness() == Liveness.ALIVE;
            if (restarted || recovered) {
                guard.reset(member.id());
            }
        }
        synchronized (this) {
            Topology newest = snapshot.reported() ? snapshot.topology() : null;
            if (reported != null && reported.supersedes(newest)) {
                newest = reported;
            }
            snapshot = snapshot(byId, newest, observer, nowMillis);
        }
    }

    /**
     * Adopts a topology a node answered with when it refused a request routed with an older one, so the request
     * can be planned again at once instead of after the next refresh. Answers whether the view now holds another
     * topology than {@code routedWith} (another request may have adopted the same one first): then planning again
     * is worthwhile.
     */
    public synchronized boolean adopt(TopologyMessage message, String routedWith) {
        Snapshot current = snapshot;
        try {
            Topology incoming = message.toTopology(virtualNodes, replicationFactor);
            if (!current.reported() || incoming.supersedes(current.topology())) {
                current = new Snapshot(current.members(), incoming, true, current.addresses(), current.observer(),
                        current.refreshedAtMillis());
                snapshot = current;
            }
        } catch (RuntimeException e) {
            // A malformed topology is ignored; the next refresh brings the nodes' own.
        }
        return current.reported() && !current.topology().version().toString().equals(routedWith);
    }

    /** How to route the key's requests now. */
    public Routing routing(byte[] key) {
        Snapshot current = snapshot;
        return new Routing(current.topology().placement(key),
                current.reported() ? current.topology().version().toString() : null, current.addresses());
    }

    /** The key's N home replicas in the current placement, in ring order. */
    public List<NodeAddress> preferenceList(byte[] key) {
        return routing(key).current();
    }

    /** The ring's members and states, as the nodes reported them (null when none did). */
    public Topology topology() {
        Snapshot current = snapshot;
        return current.reported() ? current.topology() : null;
    }

    /**
     * Whether a replica is worth calling first: not judged down by gossip and its breaker is closed. Only orders
     * attempts and routes copies to hints; a replica that is "unusable" by mistake costs time, never data.
     */
    public boolean isUsable(String nodeId) {
        Member member = snapshot.members().get(nodeId);
        return member != null && !member.judgedDown() && guard.admitsCalls(nodeId);
    }

    public NodeAddress address(String nodeId) {
        Member member = snapshot.members().get(nodeId);
        return member == null ? null : member.address();
    }

    /** The ring reads are routed by (the current placement's). */
    public TokenRing ring() {
        return snapshot.topology().currentRing();
    }

    public int replicationFactor() {
        return replicationFactor;
    }

    public int virtualNodes() {
        return virtualNodes;
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
        return !snapshot.topology().currentRing().isEmpty();
    }
}
