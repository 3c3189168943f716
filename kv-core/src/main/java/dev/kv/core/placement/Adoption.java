package dev.kv.core.placement;

import java.util.List;

/**
 * What a node does when it learns a topology ({@link #decide}): whether it adopts it, and what data it must drop
 * first. The rule kv-node's topology service and the simulator's nodes both follow.
 *
 * <ul>
 *   <li>A topology in which the node gains token ranges: it first drops whatever it still holds in them. Such data is
 *       left over from an earlier ownership or from a join that lost to another, and a key deleted (and purged)
 *       since would otherwise come back once the node serves the range again. The fence refuses requests stamped
 *       with the newer topology until it is adopted, so no write of the new topology arrives before the drop.</li>
 *   <li>A topology in which the node has left or was removed: it drops all its data and hints. If it was leaving by
 *       decommission when it learned that (its own completion, whether or not the process restarted meanwhile), it
 *       stays out and serves nothing: the operator asked it to leave. Otherwise (removed while down, or restarted on
 *       a copy from before its decommission) it joins anew, empty.</li>
 * </ul>
 *
 * @param adopt      whether the incoming topology supersedes the one held
 * @param dropAll    every record and hint is dropped first
 * @param staysOut   the node left by its decommission: it serves nothing and does not join again
 * @param dropRanges the token ranges whose records are dropped first (those the node gains)
 */
public record Adoption(boolean adopt, boolean dropAll, boolean staysOut, List<TokenRange> dropRanges) {

    private static final Adoption IGNORE = new Adoption(false, false, false, List.of());

    /**
     * @param before   the topology held; null before the node learned one
     * @param incoming the topology learned
     * @param localId  this node
     */
    public static Adoption decide(Topology before, Topology incoming, String localId) {
        if (!incoming.supersedes(before)) {
            return IGNORE;
        }
        MemberState state = incoming.state(localId);
        if (state != null && state.isGone() && (before == null || !state.equals(before.state(localId)))) {
            // Found by the simulator (docs/robustness.md, #5): a member restarted while leaving used to count its
            // own completion as news from an old copy, and joined again right after its decommission.
            boolean decommissioned = state == MemberState.LEFT && before != null
                    && before.state(localId) == MemberState.LEAVING && !before.isBeingRemoved(localId);
            return new Adoption(true, true, decommissioned, List.of());
        }
        List<TokenRange> gained = incoming.transfers().stream().filter(t -> t.to().equals(localId))
                .map(RangeTransfer::range).toList();
        return new Adoption(true, false, false, gained);
    }
}
