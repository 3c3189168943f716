package dev.kv.core.membership;

import dev.kv.core.placement.MemberState;
import dev.kv.core.placement.RangeTransfer;
import dev.kv.core.placement.Topology;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * The decisions that move a membership change along (issue 12), as pure functions of a node's topology and of who is
 * alive: kv-node's transition driver and range streamer and the simulator's nodes decide with them.
 *
 * <ul>
 *   <li><b>Join.</b> A node that is not a member proposes its join when no other change is under way and it is the
 *       lowest id among the live nodes waiting to join: nodes started together join one after the other.</li>
 *   <li><b>Streaming.</b> Each member that gains a range merges it from N − W + 1 of its current replicas (every
 *       write acknowledged at W is on one of them), always including the replica the change displaces, never from a
 *       member being removed as dead.</li>
 *   <li><b>Completion.</b> Once every participant (each member that gains ranges, and the member that changes unless
 *       it is being removed) is done, the changing member proposes the completion; for the removal of a dead member
 *       the lowest-id live normal member does.</li>
 * </ul>
 */
public final class TransitionRules {

    private TransitionRules() {
    }

    /**
     * Why {@code localId} may not propose its join now, or empty when it may.
     *
     * @param newest the newest topology the node could learn (it exchanged with every member first)
     * @param alive  the nodes gossip judges alive, this one included or not
     */
    public static Optional<String> joinBlocker(Topology newest, String localId, Collection<String> alive) {
        if (newest.inTransition()) {
            String changing = newest.changing().orElse("?");
            MemberState state = newest.state(changing);
            return Optional.of("another change is under way: " + changing + " is "
                    + (state == null ? "?" : state.name().toLowerCase(Locale.ROOT)) + " (" + newest.version()
                    + "); joining after it");
        }
        String first = waitingJoiners(newest, localId, alive).first();
        return first.equals(localId) ? Optional.empty()
                : Optional.of(first + " is also waiting to join and goes first (lowest id)");
    }

    /** This node and every live node that is not a member of {@code topology} (or left it). */
    static TreeSet<String> waitingJoiners(Topology topology, String localId, Collection<String> alive) {
        TreeSet<String> waiting = new TreeSet<>();
        waiting.add(localId);
        for (String id : alive) {
            MemberState state = topology.state(id);
            if (state == null || state.isGone()) {
                waiting.add(id);
            }
        }
        return waiting;
    }

    /** Whether {@code localId} proposes the completion of the change under way. */
    public static boolean drivesCompletion(Topology topology, String localId, Collection<String> alive) {
        String changing = topology.changing().orElse(null);
        if (changing == null) {
            return false;
        }
        if (!topology.isBeingRemoved(changing)) {
            return changing.equals(localId);
        }
        return alive.stream().filter(id -> topology.state(id) == MemberState.NORMAL).min(String::compareTo)
                .map(localId::equals).orElse(false);
    }

    /** The members that must report their part done before the change under way completes. */
    public static Set<String> participants(Topology topology) {
        Set<String> participants = new TreeSet<>();
        for (RangeTransfer transfer : topology.transfers()) {
            participants.add(transfer.to());
        }
        topology.changing().filter(changing -> !topology.isBeingRemoved(changing)).ifPresent(participants::add);
        return participants;
    }

    /**
     * Whether {@code id} has done its part of the change under way: every range it gains merged ({@code streamed}),
     * and, when it is being decommissioned, its hints handed over.
     */
    public static boolean partDone(Topology topology, String id, boolean streamed, boolean hintsHandedOver) {
        boolean decommissioning = topology.state(id) == MemberState.LEAVING && !topology.isBeingRemoved(id);
        return streamed && (!decommissioning || hintsHandedOver);
    }

    /**
     * The sources to merge a gained range from.
     *
     * @param chosen     the live sources to read, a displaced one first
     * @param needed     how many must be read; fewer live ones: the range waits
     * @param waitingFor a displaced source that is not live (the range waits for it), or null
     */
    public record Sources(List<String> chosen, int needed, String waitingFor) {

        public boolean enough() {
            return waitingFor == null && chosen.size() >= needed;
        }
    }

    /**
     * The sources of {@code transfer} to read, from its current replicas other than {@code localId} and a member being
     * removed. A source that the change displaces (a replica of the range now, not in its target placement: the
     * member that leaves, or the one a joiner pushes out) is always read, first, and the range waits while it is not
     * live: after a wiped or lagging replica it may hold the only copy of a write that the others have not received
     * yet, and once the change completes nothing would copy it on (the simulator found this, docs/robustness.md #6).
     * Then the other live sources up to N − W + 1 (majority W), or every live one with {@code all}.
     */
    public static Sources sources(RangeTransfer transfer, Topology topology, String localId, Predicate<String> live,
                                  boolean all) {
        List<String> target = topology.placementForToken(transfer.range().endInclusive()).target();
        List<String> candidates = transfer.sources().stream()
                .filter(source -> !topology.isBeingRemoved(source) && !source.equals(localId)).toList();
        List<String> displaced = candidates.stream().filter(source -> !target.contains(source)).toList();
        int needed = Math.max(displaced.size(), transfer.sourcesNeeded(topology.replicationFactor() / 2 + 1));
        List<String> chosen = new ArrayList<>();
        for (String source : displaced) {
            if (!live.test(source)) {
                return new Sources(List.of(), needed, source);
            }
            chosen.add(source);
        }
        for (String source : candidates) {
            if (!displaced.contains(source) && live.test(source) && (all || chosen.size() < needed)) {
                chosen.add(source);
            }
        }
        return new Sources(List.copyOf(chosen), needed, null);
    }
}
