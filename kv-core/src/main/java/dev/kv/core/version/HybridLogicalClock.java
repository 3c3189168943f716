package dev.kv.core.version;

import java.time.InstantSource;

/**
 * A hybrid logical clock (Kulkarni et al., 2014): timestamps that follow wall-clock time when clocks agree but never
 * go backwards and always order an event after every timestamp it has observed. Packed into a long as
 * {@code millis << 16 | logical}, so timestamps compare as plain longs. Used to order writes in last-write-wins mode
 * and to date tombstones.
 */
public final class HybridLogicalClock {

    private static final int LOGICAL_BITS = 16;
    private static final long LOGICAL_MASK = (1L << LOGICAL_BITS) - 1;

    private final InstantSource clock;
    private long last;

    public HybridLogicalClock(InstantSource clock) {
        this.clock = clock;
    }

    public static long pack(long millis, int logical) {
        return millis << LOGICAL_BITS | (logical & LOGICAL_MASK);
    }

    public static long physicalMillis(long timestamp) {
        return timestamp >>> LOGICAL_BITS;
    }

    public static int logical(long timestamp) {
        return (int) (timestamp & LOGICAL_MASK);
    }

    /** A timestamp for a local event, above every timestamp issued or observed so far. */
    public synchronized long now() {
        long physical = pack(clock.millis(), 0);
        last = physical > last ? physical : last + 1;
        return last;
    }

    /** Takes note of a timestamp seen in a message, so the next local event is ordered after it. */
    public synchronized void observe(long timestamp) {
        if (timestamp > last) {
            last = timestamp;
        }
    }
}
