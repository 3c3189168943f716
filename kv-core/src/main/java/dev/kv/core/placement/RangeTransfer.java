package dev.kv.core.placement;

import java.util.List;

/**
 * One piece of a membership change's data movement: {@code to} gains {@code range} and must take it from
 * {@code sources}, the range's replicas in the current placement. To see every write acknowledged at W, it must
 * merge what at least N − W + 1 of them hold ({@link #sourcesNeeded}), or all of them when fewer live.
 */
public record RangeTransfer(TokenRange range, String to, List<String> sources) {

    public RangeTransfer {
        sources = List.copyOf(sources);
    }

    /** How many of the sources a transfer must merge so that it meets every write acknowledged at {@code w}. */
    public int sourcesNeeded(int w) {
        return Math.max(1, Math.min(sources.size(), sources.size() - w + 1));
    }
}
