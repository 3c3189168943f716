package dev.kv.core.placement;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The replicas of one key during (or outside) a membership change: {@code current} serves reads, {@code target} is
 * where data is going. Outside a transition both are the same list.
 *
 * <p>The joint rule (DESIGN §4; Cassandra's "block for W + pending", ScyllaDB's "write both, read old"): a write is
 * sent to every replica of either list and acknowledged only once W replicas of {@code current} <em>and</em> W of
 * {@code target} have it; a read asks R replicas of {@code current}. Every read quorum of the current placement then
 * meets every acknowledged write, and so does every read quorum of the target placement once it becomes current.
 * Stand-ins holding hints never count on either side.
 */
public record Placement(List<String> current, List<String> target) {

    public Placement {
        current = List.copyOf(current);
        target = List.copyOf(target);
    }

    /** Whether the key's replicas are changing. */
    public boolean moving() {
        return !current.equals(target);
    }

    /** Every replica a write must be sent to, current ones first. */
    public List<String> writeReplicas() {
        if (!moving()) {
            return current;
        }
        Set<String> all = new LinkedHashSet<>(current);
        all.addAll(target);
        return List.copyOf(all);
    }

    /** Whether the replicas in {@code acknowledged} make a write at {@code w} acknowledged under the joint rule. */
    public boolean writeAcknowledged(Collection<String> acknowledged, int w) {
        return count(current, acknowledged) >= w && count(target, acknowledged) >= w;
    }

    private static int count(List<String> side, Collection<String> members) {
        int count = 0;
        for (String replica : side) {
            if (members.contains(replica)) {
                count++;
            }
        }
        return count;
    }
}
