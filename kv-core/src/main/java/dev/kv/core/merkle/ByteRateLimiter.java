package dev.kv.core.merkle;

import java.time.InstantSource;

/**
 * A token bucket over bytes: anti-entropy may move at most {@code bytesPerSecond} on average, with bursts up to one
 * second's worth. {@link #delayMillisFor} says how long to wait before sending; the caller does the waiting, so the
 * limiter itself never sleeps and is testable with a fake clock.
 */
public final class ByteRateLimiter {

    private final InstantSource clock;
    private final long bytesPerSecond;
    private double available;
    private long lastRefillMillis;

    public ByteRateLimiter(InstantSource clock, long bytesPerSecond) {
        if (bytesPerSecond < 1) {
            throw new IllegalArgumentException("rate must be positive");
        }
        this.clock = clock;
        this.bytesPerSecond = bytesPerSecond;
        this.available = bytesPerSecond;
        this.lastRefillMillis = clock.millis();
    }

    /** Takes {@code bytes} from the bucket and answers how long the caller must wait before moving them. */
    public synchronized long delayMillisFor(long bytes) {
        long now = clock.millis();
        available = Math.min(bytesPerSecond, available + (now - lastRefillMillis) * bytesPerSecond / 1000.0);
        lastRefillMillis = now;
        available -= bytes;
        return available >= 0 ? 0 : (long) Math.ceil(-available * 1000.0 / bytesPerSecond);
    }
}
