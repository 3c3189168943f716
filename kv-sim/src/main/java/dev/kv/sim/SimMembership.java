package dev.kv.sim;

import dev.kv.core.contract.FailureKind;
import dev.kv.core.contract.ReplicaFailure;
import dev.kv.core.membership.TransitionRules;
import dev.kv.core.placement.Adoption;
import dev.kv.core.placement.Fence;
import dev.kv.core.placement.MemberState;
import dev.kv.core.placement.RangeTransfer;
import dev.kv.core.placement.TokenRange;
import dev.kv.core.placement.Topology;
import dev.kv.core.placement.TopologyChangeRefusedException;
import dev.kv.core.placement.TopologyMessage;
import dev.kv.core.record.Record;
import dev.kv.core.ring.TokenRing;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * A simulated node's part in membership changes, decided by the same kv-core rules kv-node follows: the
 * {@link Fence} on every stamped call, {@link Adoption} of a newer topology (dropping gained ranges first, or
 * everything once gone), and {@link TransitionRules} for joining, streaming gained ranges from N − W + 1 sources,
 * handing hints over while leaving and completing the change.
 *
 * <pre>
 * every TOPOLOGY_INTERVAL: push-pull the topology with a random node (kv-node: gossip carries it)
 * every DRIVE_INTERVAL:    not a member (kv-node: any running node) ─▶ join when TransitionRules allows
 *                          a member gaining ranges ─▶ stream them (after a settle pause), checkpointed on disk
 *                          leaving ─▶ hand hints over to a normal member
 *                          driving the completion and every participant done ─▶ propose it
 * </pre>
 */
final class SimMembership {

    static final long TOPOLOGY_INTERVAL = 200;
    static final long DRIVE_INTERVAL = 250;
    /** As kv-node's: two topology rounds, so a competing change proposed at the same moment reaches the sources. */
    static final long STREAM_SETTLE = 2 * TOPOLOGY_INTERVAL;
    /** As kv-node's: a node that is not a member listens three rounds before it proposes to join. */
    static final long LISTEN_BEFORE_JOIN = 3 * TOPOLOGY_INTERVAL;

    private final SimNode node;
    private final Simulation world;
    private Topology topology;
    private boolean leftWhileRunning;
    /** When this process started: a node that is not a member listens a few rounds before it proposes to join. */
    private long startedAt;
    /** The topology version streaming last ran for, and the indexes of its transfers merged (kept on disk). */
    private String streamedVersion = "";
    private Set<Integer> streamed = new HashSet<>();
    private boolean streaming;

    SimMembership(SimNode node, Simulation world) {
        this.node = node;
        this.world = world;
    }

    /** At process start: the stored topology, or the first ring for an initial member. */
    void start(int started) {
        SimDisk.Meta meta = node.disk().meta();
        topology = meta.topology();
        streamedVersion = meta.streamedVersion();
        streamed = new HashSet<>(meta.streamed());
        streaming = false;
        leftWhileRunning = false;
        startedAt = world.loop().now();
        if (topology == null && world.initialMembers().contains(node.id())) {
            topology = world.firstTopology();
            store();
        }
        node.every(TOPOLOGY_INTERVAL, started, this::exchangeTopology);
        node.every(DRIVE_INTERVAL, started, () -> drive(started));
    }

    Topology topology() {
        return topology;
    }

    String version() {
        return topology == null ? null : topology.version().toString();
    }

    /**
     * The operator asks this member to leave; true when it is leaving (now or already), false when the change is
     * refused now (to be asked again).
     */
    boolean decommission() {
        if (topology == null) {
            return false;
        }
        if (topology.state(node.id()) == MemberState.LEAVING) {
            return true;
        }
        try {
            propose(topology.decommission(node.id()));
            return true;
        } catch (TopologyChangeRefusedException e) {
            world.trace().add("%s refuses decommission: %s", node.id(), e.getMessage());
            return false;
        }
    }

    /** Whether this node replicates the key in either placement of its topology. */
    boolean replicates(String key) {
        return topology != null && topology.replicates(node.id(), TokenRing.tokenOf(SimNode.bytes(key)));
    }

    /** Whether this node and {@code peer} both replicate the key (what their Merkle exchange covers). */
    boolean shares(String key, String peer) {
        long token = TokenRing.tokenOf(SimNode.bytes(key));
        return topology != null && topology.replicates(node.id(), token) && topology.replicates(peer, token);
    }

    /** Members of either placement other than this node: the anti-entropy peers. */
    List<String> peers() {
        if (topology == null) {
            return List.of();
        }
        return topology.members().entrySet().stream()
                .filter(e -> !e.getKey().equals(node.id()) && !e.getValue().isGone())
                .map(Map.Entry::getKey).toList();
    }

    /**
     * The fence on a call routed with {@code routedWith}: refused as stale (answering this node's topology) or behind
     * (catching up at once), as kv-node's {@code TopologyFence} answers 409.
     */
    void check(String routedWith) {
        if (leftWhileRunning) {
            throw new SimNetwork.Refusal(FailureKind.REFUSED, node.id() + " has left the ring");
        }
        Fence verdict = Fence.of(topology, routedWith);
        if (verdict == Fence.STALE) {
            throw new SimNetwork.Refusal(new ReplicaFailure(FailureKind.FENCED, "stale topology " + routedWith
                    + "; " + node.id() + " holds " + version(), TopologyMessage.of(topology)));
        }
        if (verdict == Fence.BEHIND) {
            exchangeTopology();
            throw new SimNetwork.Refusal(FailureKind.FENCED, node.id() + " is behind " + routedWith);
        }
    }

    /** Adopts {@code incoming} when kv-core's {@link Adoption} rule says so; answers whether it did. */
    boolean adopt(Topology incoming) {
        if (incoming == null) {
            return false;
        }
        Adoption adoption = Adoption.decide(topology, incoming, node.id());
        if (!adoption.adopt()) {
            return false;
        }
        if (adoption.dropAll()) {
            node.dropEverything();
            leftWhileRunning = adoption.staysOut();
        } else if (!adoption.dropRanges().isEmpty()) {
            node.dropRanges(adoption.dropRanges());
        }
        world.trace().add("%s adopts %s%s", node.id(), incoming, adoption.dropAll() ? " (drops everything)"
                : adoption.dropRanges().isEmpty() ? "" : " (drops " + adoption.dropRanges().size() + " ranges)");
        topology = incoming;
        store();
        if (leftWhileRunning) {
            node.retire();
        } else if (!incoming.inTransition() && incoming.state(node.id()) != null) {
            cleanup(incoming);
        }
        return true;
    }

    /**
     * kv-node's automatic cleanup once a change completed: the keys of the ranges this member replicates in neither
     * placement are dropped, if the topology is still its latest (kv-node runs it in the background, re-checking).
     */
    private void cleanup(Topology settled) {
        node.after(DRIVE_INTERVAL, node.incarnation(), () -> {
            if (settled == topology) {
                node.drop(key -> !replicates(key), "no longer a replica");
            }
        });
    }

    /**
     * The operator asks this member to remove {@code dead}; refused while gossip here does not judge it down, or
     * another change is under way.
     */
    boolean remove(String dead) {
        if (topology == null || node.gossip().notDown(dead)) {
            return false;
        }
        if (topology.state(dead) == MemberState.LEAVING && topology.isBeingRemoved(dead)) {
            return true;
        }
        try {
            propose(topology.remove(dead));
            return true;
        } catch (TopologyChangeRefusedException e) {
            world.trace().add("%s refuses to remove %s: %s", node.id(), dead, e.getMessage());
            return false;
        }
    }

    private void propose(Topology next) {
        adopt(next);
        for (String peer : world.nodeIds()) {
            if (!peer.equals(node.id())) {
                pushTo(peer);
            }
        }
    }

    /** Push-pull with one random node: each adopts the other's topology if newer. */
    private void exchangeTopology() {
        List<String> others = world.nodeIds().stream().filter(id -> !id.equals(node.id())).toList();
        pushTo(others.get(world.random().nextInt(others.size())));
    }

    private void pushTo(String peer) {
        Topology mine = topology;
        SimNode other = world.node(peer);
        world.network().call(node.id(), peer, "topology " + (mine == null ? "none" : mine.version()),
                SimConfig.REPLICA_TIMEOUT, () -> other.membership().receive(mine), node::running,
                (theirs, failure) -> {
                    if (failure == null && node.running()) {
                        adopt(theirs);
                    }
                });
    }

    /** A peer's topology arrives: adopted if newer; this node's answered either way. */
    Topology receive(Topology theirs) {
        adopt(theirs);
        return topology;
    }

    // ---- the change's driver (kv-node's TransitionDriver)

    private void drive(int started) {
        if (leftWhileRunning) {
            return;
        }
        MemberState state = topology == null ? null : topology.state(node.id());
        if (state == null || state.isGone()) {
            if (topology != null && world.loop().now() - startedAt >= LISTEN_BEFORE_JOIN) {
                Optional<String> blocker = TransitionRules.joinBlocker(topology, node.id(),
                        node.gossip().aliveIds());
                if (blocker.isEmpty()) {
                    world.trace().add("%s proposes to join", node.id());
                    propose(topology.join(node.id()));
                }
            }
            return;
        }
        stream(started);
        if (state == MemberState.LEAVING && !topology.isBeingRemoved(node.id())) {
            handOverHints(started);
        }
        if (topology.inTransition()
                && TransitionRules.drivesCompletion(topology, node.id(), node.gossip().aliveIds())) {
            completeIfDone(topology, started);
        }
    }

    /** Whether this node has done its part of the change in {@code version}. */
    boolean doneFor(String version) {
        return topology != null && version.equals(version()) && TransitionRules.partDone(topology, node.id(),
                streamDone(), node.pendingHints() == 0);
    }

    private boolean streamDone() {
        List<RangeTransfer> gains = gains();
        return gains.isEmpty() || streamedVersion.equals(version()) && streamed.size() == gains.size();
    }

    private void completeIfDone(Topology changing, int started) {
        List<String> participants = new ArrayList<>(TransitionRules.participants(changing));
        String version = changing.version().toString();
        askDone(participants, 0, version, started, () -> {
            if (changing == topology) {
                world.trace().add("%s completes %s", node.id(), version);
                propose(changing.complete());
            }
        });
    }

    private void askDone(List<String> participants, int index, String version, int started, Runnable allDone) {
        if (index == participants.size()) {
            allDone.run();
            return;
        }
        String participant = participants.get(index);
        if (participant.equals(node.id())) {
            if (doneFor(version)) {
                askDone(participants, index + 1, version, started, allDone);
            }
            return;
        }
        SimNode other = world.node(participant);
        world.network().call(node.id(), participant, "streaming-status " + version, SimConfig.REPLICA_TIMEOUT,
                () -> other.membership().doneFor(version), () -> node.alive(started), (done, failure) -> {
                    if (failure == null && done) {
                        askDone(participants, index + 1, version, started, allDone);
                    }
                });
    }

    private void handOverHints(int started) {
        Map<String, Map<String, Record>> byTarget = new TreeMap<>();
        for (SimDisk.Hint hint : node.disk().hints().values()) {
            byTarget.computeIfAbsent(hint.target(), t -> new LinkedHashMap<>()).put(hint.key(), hint.record());
        }
        byTarget.forEach((target, hints) -> topology.members().entrySet().stream()
                .filter(e -> e.getValue() == MemberState.NORMAL && !e.getKey().equals(target)
                        && !e.getKey().equals(node.id()) && node.gossip().alive(e.getKey()))
                .map(Map.Entry::getKey).findFirst().ifPresent(holder -> {
                    SimNode other = world.node(holder);
                    world.network().call(node.id(), holder, "hint-handover " + hints.keySet() + " for " + target,
                            SimConfig.REPLICA_TIMEOUT, () -> {
                                hints.forEach((key, record) -> other.storeHint(target, key, record));
                                return true;
                            }, () -> node.alive(started), (ok, failure) -> {
                                if (failure == null) {
                                    node.removeHints(target, hints.keySet());
                                }
                            });
                }));
    }

    // ---- streaming (kv-node's RangeStreamer): each gained range merged from the sources TransitionRules picks

    private List<RangeTransfer> gains() {
        return topology.transfers().stream().filter(t -> t.to().equals(node.id())).toList();
    }

    private void stream(int started) {
        String version = version();
        List<RangeTransfer> transfers = gains();
        if (streaming || transfers.isEmpty() || streamDone()) {
            return;
        }
        if (!streamedVersion.equals(version)) {
            streamedVersion = version;
            streamed = new HashSet<>();
            store();
        }
        streaming = true;
        node.after(STREAM_SETTLE, started, () -> streamNext(transfers, version, started));
    }

    /** The next group of gained ranges not merged yet that share their sources (kv-node streams them as one). */
    private void streamNext(List<RangeTransfer> transfers, String version, int started) {
        int first = 0;
        while (first < transfers.size() && streamed.contains(first)) {
            first++;
        }
        if (!version.equals(version()) || first == transfers.size()) {
            streaming = false;
            return;
        }
        RangeTransfer sample = transfers.get(first);
        List<Integer> group = new ArrayList<>();
        List<TokenRange> ranges = new ArrayList<>();
        for (int i = first; i < transfers.size(); i++) {
            if (!streamed.contains(i) && transfers.get(i).sources().equals(sample.sources())) {
                group.add(i);
                ranges.add(transfers.get(i).range());
            }
        }
        TransitionRules.Sources sources = TransitionRules.sources(sample, topology, node.id(),
                node.gossip()::notDown, false);
        if (!sources.enough()) {
            streaming = false; // the next drive round tries again
            return;
        }
        pullFrom(sources.chosen(), 0, ranges, version, started, () -> {
            streamed.addAll(group);
            store();
            streamNext(transfers, version, started);
        });
    }

    private void pullFrom(List<String> sources, int index, List<TokenRange> ranges, String version, int started,
                          Runnable done) {
        if (index == sources.size()) {
            done.run();
            return;
        }
        SimNode source = world.node(sources.get(index));
        world.network().call(node.id(), source.id(), "stream " + ranges.size() + " ranges @" + version,
                SimConfig.REPLICA_TIMEOUT, () -> source.recordsIn(ranges, version), () -> node.alive(started),
                (records, failure) -> {
                    if (failure != null || !version.equals(version())) {
                        streaming = false;
                        return;
                    }
                    records.forEach(node::merge);
                    pullFrom(sources, index + 1, ranges, version, started, done);
                });
    }

    private void store() {
        node.disk().meta(new SimDisk.Meta(topology, streamedVersion, Set.copyOf(streamed)));
    }
}
