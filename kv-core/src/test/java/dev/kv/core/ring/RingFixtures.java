package dev.kv.core.ring;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/** Helpers shared by the ring tests: member lists named as deployments name them, and an independent ring walk. */
final class RingFixtures {

    static final int DEFAULT_VIRTUAL_NODES = 256;

    private RingFixtures() {
    }

    /** "n1".."nM", the ids of the local launcher. */
    static List<String> localIds(int members) {
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= members; i++) {
            ids.add("n" + i);
        }
        return ids;
    }

    /** "kv-node-0".."kv-node-(M-1)", the pod names of the StatefulSet. */
    static List<String> podIds(int members) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < members; i++) {
            ids.add("kv-node-" + i);
        }
        return ids;
    }

    /**
     * The preference list computed the slow, obvious way from the ring's token table: walk clockwise (tokens in signed
     * order, wrapping) from the first token at or after the key's token and collect distinct owners.
     */
    static List<String> walkClockwise(TokenRing ring, long token, int n) {
        List<Map.Entry<Long, String>> owners = ring.tokenOwners();
        int start = 0;
        while (start < owners.size() && owners.get(start).getKey() < token) {
            start++;
        }
        List<String> result = new ArrayList<>();
        for (int i = 0; i < owners.size() && result.size() < n; i++) {
            String owner = owners.get((start + i) % owners.size()).getValue();
            if (!result.contains(owner)) {
                result.add(owner);
            }
        }
        return result;
    }

    /** Largest share divided by smallest: 1.0 for a perfectly balanced ring. */
    static double maxOverMin(Map<String, Double> shares) {
        return Collections.max(shares.values()) / Collections.min(shares.values());
    }
}
