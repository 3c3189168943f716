package dev.kv.core.version;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.InstantSource;

import static org.assertj.core.api.Assertions.assertThat;

class HybridLogicalClockTest {

    /** A wall clock the test sets by hand. */
    private static final class FakeClock implements InstantSource {
        long millis;

        FakeClock(long millis) {
            this.millis = millis;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis);
        }

        @Override
        public long millis() {
            return millis;
        }
    }

    @Test
    void followsTheWallClockWhileItAdvances() {
        FakeClock wall = new FakeClock(1_000);
        HybridLogicalClock hlc = new HybridLogicalClock(wall);
        long first = hlc.now();
        wall.millis = 1_005;
        long second = hlc.now();
        assertThat(first).isEqualTo(HybridLogicalClock.pack(1_000, 0));
        assertThat(second).isEqualTo(HybridLogicalClock.pack(1_005, 0));
        assertThat(HybridLogicalClock.physicalMillis(second)).isEqualTo(1_005);
        assertThat(HybridLogicalClock.logical(second)).isZero();
    }

    @Test
    void staysMonotonicWhenTheWallClockStallsOrGoesBackwards() {
        FakeClock wall = new FakeClock(10_000);
        HybridLogicalClock hlc = new HybridLogicalClock(wall);
        long previous = hlc.now();
        long[] wallSteps = {10_000, 10_000, 9_000, 5_000, 9_999, 10_000, 10_001, 3};
        for (long step : wallSteps) {
            wall.millis = step;
            long next = hlc.now();
            assertThat(next).as("after the wall clock read %d", step).isGreaterThan(previous);
            previous = next;
        }
        // While the wall clock lagged, the physical part stayed at the highest time seen and the logical part counted.
        wall.millis = 9_000;
        long lagging = hlc.now();
        assertThat(HybridLogicalClock.physicalMillis(lagging)).isEqualTo(10_001);
        assertThat(HybridLogicalClock.logical(lagging)).isEqualTo(2);
    }

    @Test
    void observingALaterTimestampPushesTheClockAheadOfIt() {
        FakeClock wall = new FakeClock(1_000);
        HybridLogicalClock hlc = new HybridLogicalClock(wall);
        long remote = HybridLogicalClock.pack(5_000, 7);
        hlc.observe(remote);
        long next = hlc.now();
        assertThat(next).isGreaterThan(remote);
        assertThat(HybridLogicalClock.physicalMillis(next)).isEqualTo(5_000);
        assertThat(HybridLogicalClock.logical(next)).isEqualTo(8);
        // Once the wall clock passes the observed time, timestamps follow the wall clock again.
        wall.millis = 6_000;
        assertThat(hlc.now()).isEqualTo(HybridLogicalClock.pack(6_000, 0));
    }

    @Test
    void observingAnOlderTimestampChangesNothing() {
        FakeClock wall = new FakeClock(2_000);
        HybridLogicalClock hlc = new HybridLogicalClock(wall);
        long first = hlc.now();
        hlc.observe(HybridLogicalClock.pack(1_000, 3));
        assertThat(hlc.now()).isEqualTo(first + 1);
    }

    @Test
    void timestampsCompareAsPlainLongsInPhysicalThenLogicalOrder() {
        assertThat(HybridLogicalClock.pack(1_000, 65_535)).isLessThan(HybridLogicalClock.pack(1_001, 0));
        assertThat(HybridLogicalClock.pack(1_000, 1)).isGreaterThan(HybridLogicalClock.pack(1_000, 0));
        long packed = HybridLogicalClock.pack(1_732_000_000_000L, 42);
        assertThat(HybridLogicalClock.physicalMillis(packed)).isEqualTo(1_732_000_000_000L);
        assertThat(HybridLogicalClock.logical(packed)).isEqualTo(42);
    }
}
