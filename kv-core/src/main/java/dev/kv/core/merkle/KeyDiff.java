package dev.kv.core.merkle;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The key-level step of a Merkle exchange: given both sides' version digests of the keys under the differing leaves,
 * which records to pull from the peer (it has a version of the key, and not the same as ours) and which to push to it
 * (we have a version, and not the same as its). A key both sides hold in different versions is pulled, merged, and
 * the merge pushed, so both end with the join.
 *
 * @param pull      keys the peer holds that differ
 * @param push      keys this side holds that differ
 * @param compared  keys seen on either side
 * @param differing keys whose versions differ (held by one side only, or in different versions)
 * @param <K>       the key type (with value equality)
 */
public record KeyDiff<K>(List<K> pull, List<K> push, int compared, int differing) {

    public static <K> KeyDiff<K> between(Map<K, Long> mine, Map<K, Long> theirs) {
        List<K> pull = new ArrayList<>();
        List<K> push = new ArrayList<>();
        int compared = mine.size();
        int onlyMine = 0;
        for (Map.Entry<K, Long> their : theirs.entrySet()) {
            Long my = mine.get(their.getKey());
            if (my == null) {
                compared++;
            }
            if (!Objects.equals(my, their.getValue())) {
                pull.add(their.getKey());
                if (my != null) {
                    push.add(their.getKey());
                }
            }
        }
        for (Map.Entry<K, Long> my : mine.entrySet()) {
            if (!theirs.containsKey(my.getKey())) {
                push.add(my.getKey());
                onlyMine++;
            }
        }
        return new KeyDiff<>(List.copyOf(pull), List.copyOf(push), compared, pull.size() + onlyMine);
    }

    /**
     * One step of moving the differing keys: the records to pull (and merge), then the merged records to push.
     *
     * @param pull keys to pull from the peer first
     * @param push keys to push to the peer after the pull
     * @param <K>  the key type
     */
    public record Batch<K>(List<K> pull, List<K> push) {
    }

    /**
     * The differing keys (those to pull first, then those only this side holds) in slices of at most
     * {@code keysPerBatch}, each slice as its pull and its push: a key both sides hold is pulled, merged and pushed
     * within one slice, so a request never carries more than {@code keysPerBatch} keys and a failed step leaves the
     * earlier slices repaired.
     */
    public List<Batch<K>> batches(int keysPerBatch) {
        if (keysPerBatch < 1) {
            throw new IllegalArgumentException("keysPerBatch must be at least 1: " + keysPerBatch);
        }
        Set<K> pulled = new HashSet<>(pull);
        Set<K> pushed = new HashSet<>(push);
        List<K> keys = new ArrayList<>(pull);
        for (K key : push) {
            if (!pulled.contains(key)) {
                keys.add(key);
            }
        }
        List<Batch<K>> batches = new ArrayList<>();
        for (int from = 0; from < keys.size(); from += keysPerBatch) {
            List<K> slice = keys.subList(from, Math.min(keys.size(), from + keysPerBatch));
            batches.add(new Batch<>(slice.stream().filter(pulled::contains).toList(),
                    slice.stream().filter(pushed::contains).toList()));
        }
        return batches;
    }

}
