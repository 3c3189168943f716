package dev.kv.core.membership;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.random.RandomGenerator;

/**
 * One node's knowledge of the cluster, and the decision logic of push-pull gossip, as a pure state machine: the
 * caller does the I/O and passes the time in.
 *
 * <pre>
 * every round A picks a random live peer B (sometimes also a seed, sometimes a node it believes down):
 *   A ──SYN(digests: id, generation, version of every node A knows)──▶ B
 *   A ◀──ACK(the states B has newer than A's digests, the ids B wants)── B
 *   A ──ACK2(A's states for the ids B wanted)──▶ B
 * </pre>
 *
 * Whenever a node's heartbeat version advances, the observer records an arrival in that node's phi-accrual detector;
 * a new generation (a restart) gets a fresh detector. Thread-safe.
 *
 * <p>A node's generation is its process's start time, so a restart is heard as newer. A clock behind the previous
 * start (a step back, a wiped node on another host) would give the new process a lower generation than the old one's,
 * which every peer would ignore as stale: the node would be judged down for good (the simulator found this:
 * docs/robustness.md #7). So a node that hears of its own earlier process with a generation above its own moves
 * past it; only its generation changes, never what it says about itself.
 */
public final class Membership {

    /** Phi above which a node is judged down, and the settings of each detector. */
    public record DetectorSettings(double phiThreshold, int windowSize, long firstIntervalMillis,
                                   long minStdDeviationMillis, long acceptablePauseMillis) {

        public static DetectorSettings defaults() {
            return new DetectorSettings(8.0, 100, 1000, 250, 500);
        }
    }

    /** A node as this observer sees it now. */
    public record Member(EndpointState state, double phi, Liveness liveness, boolean local) {
    }

    /** The answer to a SYN. */
    public record Ack(List<EndpointState> states, List<String> wanted) {
    }

    private final String localId;
    private final DetectorSettings settings;
    private final Map<String, EndpointState> states = new HashMap<>();
    private final Map<String, PhiAccrualDetector> detectors = new HashMap<>();
    /** Members forgotten after they left, with the last generation heard: only a later process is heard again. */
    private final Map<String, Long> forgotten = new HashMap<>();

    public Membership(EndpointState local, DetectorSettings settings) {
        this.localId = local.nodeId();
        this.settings = settings;
        states.put(localId, local);
    }

    public synchronized EndpointState local() {
        return states.get(localId);
    }

    /** Advances the local heartbeat; called once per gossip round. */
    public synchronized void tick() {
        EndpointState local = states.get(localId);
        states.put(localId, local.withVersion(local.version() + 1));
    }

    public synchronized void announce(NodeStatus status) {
        states.put(localId, states.get(localId).withStatus(status));
    }

    public synchronized List<EndpointState.Digest> digests() {
        return states.values().stream().map(EndpointState::digest).toList();
    }

    /** B's side of a SYN: what A lacks, and what B wants from A. */
    public synchronized Ack onSyn(List<EndpointState.Digest> remote, long nowMillis) {
        List<EndpointState> newer = new ArrayList<>();
        List<String> wanted = new ArrayList<>();
        Set<String> mentioned = new HashSet<>();
        for (EndpointState.Digest digest : remote) {
            if (digest.nodeId().equals(localId)) {
                outgrow(digest.generation());
            }
            mentioned.add(digest.nodeId());
            EndpointState known = states.get(digest.nodeId());
            if (known == null || digest.isNewerThan(known)) {
                wanted.add(digest.nodeId());
            } else if (digest.isOlderThan(known)) {
                newer.add(known);
            }
        }
        for (EndpointState known : states.values()) {
            if (!mentioned.contains(known.nodeId())) {
                newer.add(known);
            }
        }
        return new Ack(newer, wanted);
    }

    /** A's side of the ACK: applies B's newer states and answers the states B wanted (the ACK2). */
    public synchronized List<EndpointState> onAck(Ack ack, long nowMillis) {
        apply(ack.states(), nowMillis);
        List<EndpointState> requested = new ArrayList<>();
        for (String id : ack.wanted()) {
            EndpointState state = states.get(id);
            if (state != null) {
                requested.add(state);
            }
        }
        return requested;
    }

    /** Merges states learned from a peer; the local node's own state is never overwritten by hearsay. */
    public synchronized void apply(Collection<EndpointState> remote, long nowMillis) {
        for (EndpointState incoming : remote) {
            if (incoming.nodeId().equals(localId)) {
                outgrow(incoming.generation());
                continue;
            }
            EndpointState known = states.get(incoming.nodeId());
            Long forgottenGeneration = forgotten.get(incoming.nodeId());
            if (!incoming.supersedes(known)
                    || (forgottenGeneration != null && incoming.generation() <= forgottenGeneration)) {
                continue;
            }
            if (known == null || incoming.generation() != known.generation()) {
                detectors.put(incoming.nodeId(), new PhiAccrualDetector(settings.windowSize(),
                        settings.firstIntervalMillis(), settings.minStdDeviationMillis(),
                        settings.acceptablePauseMillis()));
            }
            detectors.get(incoming.nodeId()).heartbeat(nowMillis);
            states.put(incoming.nodeId(), incoming);
        }
    }

    /**
     * Forgets a member that left or was removed (after its quarantine): gossip stops spreading it, and any state of
     * it from the same or an older process, still circulating somewhere, is ignored. A new process of it (a node
     * joining anew under the same id) is heard again.
     */
    public synchronized void forget(String nodeId) {
        EndpointState known = states.get(nodeId);
        if (known == null || nodeId.equals(localId)) {
            return;
        }
        forgotten.merge(nodeId, known.generation(), Math::max);
        states.remove(nodeId);
        detectors.remove(nodeId);
    }

    /**
     * Hearsay of this node's own earlier process above its generation: it takes the next one. (Its own generation heard
     * back is this process: two processes starting in the same millisecond do not happen.)
     */
    private void outgrow(long heardGeneration) {
        EndpointState local = states.get(localId);
        if (heardGeneration > local.generation()) {
            states.put(localId, new EndpointState(localId, local.address(), heardGeneration + 1, local.version(),
                    local.status()));
        }
    }

    public synchronized List<Member> members(long nowMillis) {
        List<Member> result = new ArrayList<>();
        for (EndpointState state : new TreeMap<>(states).values()) {
            result.add(member(state, nowMillis));
        }
        return result;
    }

    public synchronized Liveness liveness(String nodeId, long nowMillis) {
        EndpointState state = states.get(nodeId);
        return state == null ? Liveness.DOWN : member(state, nowMillis).liveness();
    }

    /**
     * Where to gossip this round: one random live peer; plus, with a probability that falls as more nodes are live,
     * one node believed down (so a recovered node is noticed) and one seed (so partitions heal and newcomers are
     * found), as Cassandra does. Addresses, because seeds are known only by address until they answer.
     */
    public synchronized List<String> gossipTargets(Collection<String> seedAddresses, RandomGenerator random,
                                                   long nowMillis) {
        String localAddress = states.get(localId).address();
        List<String> live = new ArrayList<>();
        List<String> down = new ArrayList<>();
        for (EndpointState state : states.values()) {
            if (state.nodeId().equals(localId)) {
                continue;
            }
            (member(state, nowMillis).liveness() == Liveness.DOWN ? down : live).add(state.address());
        }
        List<String> targets = new ArrayList<>();
        if (!live.isEmpty()) {
            targets.add(live.get(random.nextInt(live.size())));
        }
        if (!down.isEmpty() && random.nextDouble() < (double) down.size() / (live.size() + 1)) {
            targets.add(down.get(random.nextInt(down.size())));
        }
        List<String> seeds = seedAddresses.stream().filter(s -> !s.equals(localAddress)).toList();
        if (!seeds.isEmpty() && (live.isEmpty() || random.nextDouble() < 1.0 / (live.size() + 1))) {
            String seed = seeds.get(random.nextInt(seeds.size()));
            if (!targets.contains(seed)) {
                targets.add(seed);
            }
        }
        return targets;
    }

    private Member member(EndpointState state, long nowMillis) {
        if (state.nodeId().equals(localId)) {
            return new Member(state, 0, Liveness.ALIVE, true);
        }
        PhiAccrualDetector detector = detectors.get(state.nodeId());
        double phi = detector == null ? 0 : detector.phi(nowMillis);
        Liveness liveness;
        if (state.status() == NodeStatus.SHUTDOWN || phi >= settings.phiThreshold()) {
            liveness = Liveness.DOWN;
        } else if (phi >= settings.phiThreshold() / 2) {
            liveness = Liveness.SUSPECT;
        } else {
            liveness = Liveness.ALIVE;
        }
        return new Member(state, phi, liveness, false);
    }
}
