package dev.kv.core.placement;

import dev.kv.core.contract.Headers;

import java.util.regex.Pattern;

/**
 * The version of a {@link Topology}: its epoch, then the proposer of the change that made it as a tie-break between
 * changes proposed at the same time. Written {@code epoch:proposer} (e.g. {@code 7:n4}; {@code 8:+n4} for the
 * completion of n4's change, {@code 1:} for the first ring) in the {@link Headers#TOPOLOGY} header that fences
 * requests routed with an older view.
 */
public record TopologyVersion(long epoch, String proposer) implements Comparable<TopologyVersion> {

    /** Problem kinds of a fenced request: the caller's topology is older, or the node's own is. */
    public static final String STALE = "stale-topology";
    public static final String BEHIND = "topology-behind";

    private static final Pattern WIRE = Pattern.compile("(\\d{1,18}):(\\+?[A-Za-z0-9._-]{0,64})");

    public TopologyVersion {
        if (epoch < 0 || proposer == null) {
            throw new IllegalArgumentException("a topology version needs an epoch >= 0 and a proposer");
        }
    }

    /** Parses the wire form; {@link IllegalArgumentException} when malformed. */
    public static TopologyVersion parse(String text) {
        var matcher = text == null ? null : WIRE.matcher(text);
        if (matcher == null || !matcher.matches()) {
            throw new IllegalArgumentException("a topology version is written epoch:proposer, e.g. 7:n4");
        }
        return new TopologyVersion(Long.parseLong(matcher.group(1)), matcher.group(2));
    }

    /**
     * Whether {@code text} is a wire form of this version ({@code parse(text).equals(this)}), decided without parsing
     * or allocating: every replica call is fenced, and nearly all carry exactly the node's own version.
     */
    public boolean isWrittenAs(String text) {
        int colon = text == null ? -1 : text.indexOf(':');
        if (colon < 1 || colon > 18 || text.length() - colon - 1 != proposer.length()
                || !text.startsWith(proposer, colon + 1)) {
            return false;
        }
        long value = 0;
        for (int i = 0; i < colon; i++) {
            int digit = text.charAt(i) - '0';
            if (digit < 0 || digit > 9) {
                return false;
            }
            value = value * 10 + digit;
        }
        return value == epoch;
    }

    @Override
    public int compareTo(TopologyVersion other) {
        int byEpoch = Long.compare(epoch, other.epoch);
        return byEpoch != 0 ? byEpoch : proposer.compareTo(other.proposer);
    }

    public boolean isOlderThan(TopologyVersion other) {
        return compareTo(other) < 0;
    }

    @Override
    public String toString() {
        return epoch + ":" + proposer;
    }
}
