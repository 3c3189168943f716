package dev.kv.node.faults;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;

/**
 * A wall clock off by a fixed offset ({@code kv.faults.clock-offset}): a node whose clock disagrees with its peers',
 * for the tests of what the protocols promise under skew (HLC, last-write-wins, TTL, tombstone grace, hints).
 */
public final class SkewedClock implements InstantSource {

    private final InstantSource clock;
    private final Duration offset;
    private final long offsetMillis;

    private SkewedClock(InstantSource clock, Duration offset) {
        this.clock = clock;
        this.offset = offset;
        this.offsetMillis = offset.toMillis();
    }

    /** {@code clock} shifted by {@code offset}; {@code clock} itself when the offset is zero, so it costs nothing. */
    public static InstantSource of(InstantSource clock, Duration offset) {
        return offset.isZero() ? clock : new SkewedClock(clock, offset);
    }

    @Override
    public Instant instant() {
        return clock.instant().plus(offset);
    }

    @Override
    public long millis() {
        return clock.millis() + offsetMillis;
    }

    @Override
    public String toString() {
        return clock + " offset by " + offset;
    }
}
