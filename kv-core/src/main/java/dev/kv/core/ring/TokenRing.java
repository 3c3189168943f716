package dev.kv.core.ring;

import dev.kv.core.Limits;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A consistent-hashing ring of virtual nodes. Each member owns {@code virtualNodes} tokens derived from its node id
 * alone ({@code murmur3("<id>#<i>")}), so every participant that knows the same member list computes the same ring,
 * and adding a member moves only the ranges its new tokens take (about 1/M of the keys).
 *
 * <p>A token owns the range {@code (previous token, token]}; a key belongs to the first token at or after its hash,
 * wrapping around. The preference list of a key is the first {@code n} distinct members met walking clockwise from
 * there. Immutable and safe to share between threads.
 */
public final class TokenRing {

    private final long[] tokens;
    private final String[] owners;
    private final List<String> members;
    private final int virtualNodes;
    /**
     * The preference lists by n: the replication factor, and every member (hint targets), so two n asked in turn do
     * not evict each other.
     */
    private final Map<Integer, Preferences> preferences = new ConcurrentHashMap<>();

    private TokenRing(long[] tokens, String[] owners, List<String> members, int virtualNodes) {
        this.tokens = tokens;
        this.owners = owners;
        this.members = members;
        this.virtualNodes = virtualNodes;
    }

    public static TokenRing of(Collection<String> memberIds, int virtualNodes) {
        if (virtualNodes < 1 || virtualNodes > Limits.VIRTUAL_NODES_MAX) {
            throw new IllegalArgumentException("virtual nodes must be 1.." + Limits.VIRTUAL_NODES_MAX);
        }
        List<String> sortedMembers = List.copyOf(new TreeSet<>(memberIds));
        record Token(long value, String owner) {
        }
        List<Token> all = new ArrayList<>(sortedMembers.size() * virtualNodes);
        for (String member : sortedMembers) {
            for (long token : tokensOf(member, virtualNodes)) {
                all.add(new Token(token, member));
            }
        }
        // Ties between members are astronomically unlikely, but ordering by owner keeps the ring deterministic anyway.
        all.sort((a, b) -> a.value != b.value ? Long.compare(a.value, b.value) : a.owner.compareTo(b.owner));
        long[] tokens = new long[all.size()];
        String[] owners = new String[all.size()];
        for (int i = 0; i < all.size(); i++) {
            tokens[i] = all.get(i).value;
            owners[i] = all.get(i).owner;
        }
        return new TokenRing(tokens, owners, sortedMembers, virtualNodes);
    }

    /** The tokens a member with this id owns; a pure function of the id. */
    public static long[] tokensOf(String memberId, int virtualNodes) {
        long[] result = new long[virtualNodes];
        for (int i = 0; i < virtualNodes; i++) {
            result[i] = Murmur3.hash64((memberId + "#" + i).getBytes(StandardCharsets.UTF_8));
        }
        return result;
    }

    public static long tokenOf(byte[] key) {
        return Murmur3.hash64(key);
    }

    public List<String> members() {
        return members;
    }

    public int virtualNodes() {
        return virtualNodes;
    }

    public boolean isEmpty() {
        return tokens.length == 0;
    }

    /** The first {@code n} distinct members clockwise from the key's token (fewer if the ring has fewer members). */
    public List<String> preferenceList(byte[] key, int n) {
        return preferenceListForToken(tokenOf(key), n);
    }

    public List<String> preferenceListForToken(long token, int n) {
        if (tokens.length == 0) {
            return List.of();
        }
        return preferences(n).at(firstIndexAtOrAfter(token)).list();
    }

    /**
     * The name of the replica set that holds {@code key}: its N home replicas, sorted, joined by '+' (the unit that
     * Merkle trees and repair work on).
     */
    public String replicaSetOf(byte[] key, int n) {
        return replicaSetForToken(tokenOf(key), n);
    }

    public String replicaSetForToken(long token, int n) {
        if (tokens.length == 0) {
            return "";
        }
        return preferences(n).at(firstIndexAtOrAfter(token)).name();
    }

    private Preferences preferences(int n) {
        return preferences.computeIfAbsent(n, wanted -> new Preferences(wanted, new Preference[tokens.length]));
    }

    /** A position's preference list and the name of its replica set. */
    private record Preference(List<String> list, String name) {
    }

    /**
     * The preference lists of the ring's positions for one n, each computed when first asked: a key's list depends
     * only on the first token at or after its own, so it is computed once per ring rather than once per request.
     * Filled without a lock: two threads may compute the same immutable entry, either one is right.
     */
    private final class Preferences {
        private final int n;
        private final Preference[] byPosition;

        private Preferences(int n, Preference[] byPosition) {
            this.n = n;
            this.byPosition = byPosition;
        }

        Preference at(int position) {
            Preference known = byPosition[position];
            if (known == null) {
                Set<String> result = new LinkedHashSet<>();
                int wanted = Math.min(n, members.size());
                for (int i = 0; i < tokens.length && result.size() < wanted; i++) {
                    result.add(owners[(position + i) % tokens.length]);
                }
                known = new Preference(List.copyOf(result), String.join("+", new TreeSet<>(result)));
                byPosition[position] = known;
            }
            return known;
        }
    }

    /**
     * The fraction of the token space whose primary replica each member is. Ranges are measured as unsigned
     * distances, so the fractions sum to 1.
     */
    public Map<String, Double> primaryOwnership() {
        Map<String, Double> shares = new HashMap<>();
        for (String member : members) {
            shares.put(member, 0.0);
        }
        if (tokens.length == 0) {
            return shares;
        }
        for (int i = 0; i < tokens.length; i++) {
            long previous = tokens[(i - 1 + tokens.length) % tokens.length];
            double width = unsignedDistance(previous, tokens[i]);
            if (tokens.length == 1) {
                width = Math.pow(2, 64);
            }
            shares.merge(owners[i], width / Math.pow(2, 64), Double::sum);
        }
        return shares;
    }

    /** Each token in ring order with its owner, for drawing the ring. */
    public List<Map.Entry<Long, String>> tokenOwners() {
        List<Map.Entry<Long, String>> result = new ArrayList<>(tokens.length);
        for (int i = 0; i < tokens.length; i++) {
            result.add(Map.entry(tokens[i], owners[i]));
        }
        return result;
    }

    private int firstIndexAtOrAfter(long token) {
        int index = Arrays.binarySearch(tokens, token);
        if (index < 0) {
            index = -index - 1;
        }
        return index == tokens.length ? 0 : index;
    }

    private static double unsignedDistance(long from, long to) {
        long delta = to - from;
        double d = (double) (delta >>> 1) * 2 + (delta & 1);
        return d;
    }
}
