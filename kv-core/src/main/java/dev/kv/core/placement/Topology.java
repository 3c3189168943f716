package dev.kv.core.placement;

import dev.kv.core.ring.TokenRing;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The members of the ring with their states, and the two placements they define (issue 12, DESIGN §4), as a pure,
 * immutable state machine: every change answers a new topology with the next epoch, or is refused with the reason.
 *
 * <ul>
 *   <li><b>current</b> ring: normal and leaving members; reads go there.</li>
 *   <li><b>target</b> ring: normal and joining members; data goes there.</li>
 * </ul>
 *
 * One change at a time: a join, a decommission or a removal starts a transition, {@link #complete()} ends it once
 * its {@link #transfers()} are done, and another change is refused until then. Nodes started together therefore
 * join one after the other in a deterministic order (the caller picks, e.g. by id), which keeps every transition's
 * movement exactly the difference between two rings. Members that left or were removed count nowhere.
 */
public final class Topology {

    private final long epoch;
    /**
     * Who proposed this change: the joining, leaving or removed member; {@code +id} for the completion of id's
     * change; empty for the first ring.
     */
    private final String proposer;
    private final Map<String, MemberState> members;
    /** Leaving members that are being removed as dead rather than decommissioned. */
    private final Set<String> removals;
    private final int virtualNodes;
    private final int replicationFactor;
    private final TokenRing current;
    private final TokenRing target;
    /** {@link #transfers()}, computed on first use: it walks both rings, and every topology is immutable. */
    private volatile List<RangeTransfer> transfers;

    private Topology(long epoch, String proposer, Map<String, MemberState> members, Set<String> removals,
                     int virtualNodes, int replicationFactor) {
        this.epoch = epoch;
        this.proposer = proposer;
        this.members = Collections.unmodifiableMap(new TreeMap<>(members));
        this.removals = Set.copyOf(removals);
        this.virtualNodes = virtualNodes;
        this.replicationFactor = replicationFactor;
        this.current = TokenRing.of(idsWhere(true), virtualNodes);
        this.target = TokenRing.of(idsWhere(false), virtualNodes);
    }

    /** A settled ring of {@code normalMembers} at epoch 1. */
    public static Topology of(Collection<String> normalMembers, int virtualNodes, int replicationFactor) {
        if (replicationFactor < 1) {
            throw new IllegalArgumentException("the replication factor must be positive");
        }
        Map<String, MemberState> members = new TreeMap<>();
        normalMembers.forEach(id -> members.put(id, MemberState.NORMAL));
        return new Topology(1, "", members, Set.of(), virtualNodes, replicationFactor);
    }

    /** A topology as another member described it ({@link #version()}, {@link #members()}, {@link #removals()}). */
    public static Topology of(TopologyVersion version, Map<String, MemberState> members, Collection<String> removals,
                              int virtualNodes, int replicationFactor) {
        if (replicationFactor < 1) {
            throw new IllegalArgumentException("the replication factor must be positive");
        }
        for (String removal : removals) {
            if (members.get(removal) != MemberState.LEAVING) {
                throw new IllegalArgumentException("only a leaving member can be under removal: " + removal);
            }
        }
        return new Topology(version.epoch(), version.proposer(), members, Set.copyOf(removals), virtualNodes,
                replicationFactor);
    }

    public long epoch() {
        return epoch;
    }

    /**
     * The epoch and the proposer of the change that made this topology. Members that propose changes at the same
     * time propose the same epoch; the version orders them, so every member and gateway adopts the same winner
     * ({@link #supersedes}), and requests stamped with the loser are fenced like any older one.
     */
    public TopologyVersion version() {
        return new TopologyVersion(epoch, proposer);
    }

    /** Whether this topology replaces {@code other} (a later version); {@code null} is replaced by anything. */
    public boolean supersedes(Topology other) {
        return other == null || version().compareTo(other.version()) > 0;
    }

    /** Leaving members that are being removed as dead. */
    public Set<String> removals() {
        return removals;
    }

    public Map<String, MemberState> members() {
        return members;
    }

    public MemberState state(String id) {
        return members.get(id);
    }

    public int replicationFactor() {
        return replicationFactor;
    }

    public int virtualNodes() {
        return virtualNodes;
    }

    /** The member joining or leaving in the transition under way, if any. */
    public java.util.Optional<String> changing() {
        return members.entrySet().stream()
                .filter(e -> e.getValue() == MemberState.JOINING || e.getValue() == MemberState.LEAVING)
                .map(Map.Entry::getKey).findFirst();
    }

    /** Whether {@code id} replicates the token in the current or the target placement. */
    public boolean replicates(String id, long token) {
        Placement placement = placementForToken(token);
        return placement.current().contains(id) || placement.target().contains(id);
    }

    public TokenRing currentRing() {
        return current;
    }

    public TokenRing targetRing() {
        return target;
    }

    /** Whether a change is under way (some member joining or leaving). */
    public boolean inTransition() {
        return members.values().stream().anyMatch(s -> s == MemberState.JOINING || s == MemberState.LEAVING);
    }

    public Placement placement(byte[] key) {
        return placementForToken(TokenRing.tokenOf(key));
    }

    public Placement placementForToken(long token) {
        return new Placement(current.preferenceListForToken(token, replicationFactor),
                target.preferenceListForToken(token, replicationFactor));
    }

    /** {@code id} starts joining: it is written to at once and read from once the transition completes. */
    public Topology join(String id) {
        refuseDuringTransition("join " + id);
        MemberState state = members.get(id);
        if (state != null && !state.isGone()) {
            throw new TopologyChangeRefusedException(id + " is already a member (" + state + ")");
        }
        return with(id, id, MemberState.JOINING, removals);
    }

    /** {@code id} starts handing its ranges to their new owners, and leaves when the transition completes. */
    public Topology decommission(String id) {
        return leaving(id, "decommission");
    }

    /**
     * {@code id}, dead, starts being replaced: the new owners of its ranges rebuild them from the surviving replicas
     * (the caller must not pick the dead member as a source), and it is removed when the transition completes.
     * Whether it is really dead is for the caller to check (its liveness is not part of the topology).
     */
    public Topology remove(String id) {
        if (members.get(id) == MemberState.JOINING) {
            // A joiner that died: it owns nothing yet, so removing it ends its join with no data to move.
            return with(id, id, MemberState.REMOVED, removals);
        }
        return leaving(id, "remove");
    }

    private Topology leaving(String id, String change) {
        refuseDuringTransition(change + " " + id);
        if (members.get(id) != MemberState.NORMAL) {
            throw new TopologyChangeRefusedException("cannot " + change + " " + id + ": it is "
                    + (members.containsKey(id) ? members.get(id) : "not a member"));
        }
        long normal = members.values().stream().filter(s -> s == MemberState.NORMAL).count();
        if (normal - 1 < replicationFactor) {
            throw new TopologyChangeRefusedException("cannot " + change + " " + id + ": " + (normal - 1)
                    + " members would be left for " + replicationFactor + " replicas of every key");
        }
        Set<String> removing = new TreeSet<>(removals);
        if (change.equals("remove")) {
            removing.add(id);
        }
        return with(id, id, MemberState.LEAVING, removing);
    }

    /** The transition ends: joiners become normal, leavers left (or removed). */
    public Topology complete() {
        if (!inTransition()) {
            throw new TopologyChangeRefusedException("no change is under way");
        }
        Map<String, MemberState> next = new TreeMap<>(members);
        next.replaceAll((id, state) -> switch (state) {
            case JOINING -> MemberState.NORMAL;
            case LEAVING -> removals.contains(id) ? MemberState.REMOVED : MemberState.LEFT;
            default -> state;
        });
        // Named after the change it completes: completions of two competing changes never share a version.
        return new Topology(epoch + 1, "+" + changing().orElseThrow(), next, Set.of(), virtualNodes,
                replicationFactor);
    }

    /**
     * The data movement of the transition under way: for every token range whose replicas change, each member that
     * gains it and the range's current replicas to take it from. Exactly the difference between the two rings, so
     * it stays close to the consistent-hashing ideal (about 1/M of the data per member that joins or leaves).
     */
    public List<RangeTransfer> transfers() {
        List<RangeTransfer> computed = transfers;
        if (computed == null) {
            computed = List.copyOf(computeTransfers());
            transfers = computed;
        }
        return computed;
    }

    private List<RangeTransfer> computeTransfers() {
        TreeSet<Long> boundaries = new TreeSet<>();
        current.tokenOwners().forEach(t -> boundaries.add(t.getKey()));
        target.tokenOwners().forEach(t -> boundaries.add(t.getKey()));
        List<RangeTransfer> transfers = new ArrayList<>();
        if (boundaries.isEmpty() || !inTransition()) {
            return transfers;
        }
        long previous = boundaries.last();
        for (long end : boundaries) {
            Placement placement = placementForToken(end);
            for (String gaining : placement.target()) {
                if (!placement.current().contains(gaining)) {
                    transfers.add(new RangeTransfer(new TokenRange(previous, end), gaining, placement.current()));
                }
            }
            previous = end;
        }
        return transfers;
    }

    /**
     * The token ranges {@code id} replicates in neither placement, adjacent ones merged: what a cleanup may drop as
     * whole ranges. Both rings' preference lists are constant between consecutive tokens of the two, so each such arc
     * is decided by its end token.
     */
    public List<TokenRange> rangesNotReplicatedBy(String id) {
        TreeSet<Long> boundaries = new TreeSet<>();
        current.tokenOwners().forEach(t -> boundaries.add(t.getKey()));
        target.tokenOwners().forEach(t -> boundaries.add(t.getKey()));
        List<TokenRange> ranges = new ArrayList<>();
        if (boundaries.isEmpty()) {
            return ranges;
        }
        long previous = boundaries.last();
        Long openStart = null;
        Long firstArcStart = null; // a run that begins at the first arc may wrap around and join the last one
        for (long end : boundaries) {
            boolean drop = !replicates(id, end);
            if (drop && openStart == null) {
                openStart = previous;
            } else if (!drop && openStart != null) {
                ranges.add(new TokenRange(openStart, previous));
                openStart = null;
            }
            if (end == boundaries.first()) {
                firstArcStart = drop ? previous : null;
            }
            previous = end;
        }
        if (openStart != null) {
            if (ranges.isEmpty() && firstArcStart != null && openStart.equals(firstArcStart)) {
                return List.of(new TokenRange(boundaries.last(), boundaries.last())); // the whole ring
            }
            if (firstArcStart != null && !ranges.isEmpty() && ranges.getFirst().startExclusive() == firstArcStart) {
                ranges.set(0, new TokenRange(openStart, ranges.getFirst().endInclusive())); // joined across the wrap
            } else {
                ranges.add(new TokenRange(openStart, previous));
            }
        }
        return ranges;
    }

    private void refuseDuringTransition(String change) {
        if (inTransition()) {
            throw new TopologyChangeRefusedException("cannot " + change + " while another change is under way"
                    + " (epoch " + epoch + "): changes are made one at a time");
        }
    }

    private Topology with(String proposedBy, String id, MemberState state, Set<String> removing) {
        Map<String, MemberState> next = new TreeMap<>(members);
        next.put(id, state);
        return new Topology(epoch + 1, proposedBy, next, removing, virtualNodes, replicationFactor);
    }

    /** Whether {@code id} is leaving because it is being removed as dead. */
    public boolean isBeingRemoved(String id) {
        return removals.contains(id) && members.get(id) == MemberState.LEAVING;
    }

    private List<String> idsWhere(boolean currentSide) {
        List<String> ids = new ArrayList<>();
        members.forEach((id, state) -> {
            if (currentSide ? state.inCurrent() : state.inTarget()) {
                ids.add(id);
            }
        });
        return ids;
    }

    @Override
    public String toString() {
        return "Topology[" + version() + ", " + members
                + (removals.isEmpty() ? "" : ", removing " + removals) + "]";
    }
}
