package dev.kv.core.hints;

import dev.kv.core.ring.TokenRing;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Who keeps a hint for each down home replica of a key (DESIGN §4). The next live node clockwise beyond the
 * preference list stands in: it is a distinct node, so its copy counts toward a sloppy quorum. When the ring has no
 * such node (a cluster of N nodes, say), a live home replica keeps the hint: it still reaches the down replica
 * later, but it adds no distinct copy, so it never counts toward W.
 */
public final class SloppyPlacement {

    /**
     * One hint to leave.
     *
     * @param holder              the node that stores the hint
     * @param countsTowardQuorum  whether the holder is a distinct, non-home node
     */
    public record Placement(String holder, boolean countsTowardQuorum) {
    }

    private SloppyPlacement() {
    }

    /** For each down home replica, where its hint goes (absent when no node at all is alive). */
    public static Map<String, Placement> placements(TokenRing ring, byte[] key, int replicationFactor,
                                                    Predicate<String> isAlive) {
        List<String> extended = ring.preferenceList(key, ring.members().size());
        List<String> home = extended.subList(0, Math.min(replicationFactor, extended.size()));
        String liveHome = home.stream().filter(isAlive).findFirst().orElse(null);
        Map<String, Placement> result = new LinkedHashMap<>();
        int next = home.size();
        for (String replica : home) {
            if (isAlive.test(replica)) {
                continue;
            }
            while (next < extended.size() && !isAlive.test(extended.get(next))) {
                next++;
            }
            if (next < extended.size()) {
                result.put(replica, new Placement(extended.get(next++), true));
            } else if (liveHome != null) {
                result.put(replica, new Placement(liveHome, false));
            }
        }
        return result;
    }
}
