package dev.kv.core.placement;

/**
 * Whether a node applies a data request routed with a given topology version (issue 12, DESIGN §4 departures): the
 * rule kv-node's fence and the simulator's nodes both apply to every stamped replica, coordinate, hint-delivery and
 * Merkle call.
 *
 * <ul>
 *   <li>{@link #PASS}: routed with the node's own topology (or not stamped).</li>
 *   <li>{@link #STALE}: routed with an older one; the node answers its own, which the caller adopts before it plans
 *       the request again. A transfer starts only after its sources adopted the change, so no write acknowledged by
 *       the old rule alone can land on a source after the transfer read it.</li>
 *   <li>{@link #BEHIND}: routed with a newer one; nothing is applied (the node might be about to clear a range the
 *       newer topology gives it), and the node catches up.</li>
 * </ul>
 */
public enum Fence {
    PASS, STALE, BEHIND;

    /**
     * The verdict for a request routed with {@code routedWith} (the wire form; null: not stamped) at a node holding
     * {@code own} (null: it has not learned the ring yet, so every stamped request is ahead of it).
     *
     * @throws IllegalArgumentException a malformed version
     */
    public static Fence of(Topology own, String routedWith) {
        if (routedWith == null || own != null && own.version().isWrittenAs(routedWith)) {
            return PASS;
        }
        TopologyVersion routed = TopologyVersion.parse(routedWith);
        int order = own == null ? 1 : routed.compareTo(own.version());
        return order < 0 ? STALE : order > 0 ? BEHIND : PASS;
    }
}
