package dev.kv.core.merkle;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * When the next background Merkle exchange is due, and with which pair (in kv-node a range and a peer replicating
 * it, in the simulator a peer).
 *
 * <pre>
 * caller ──isDue(now)?──▶ schedule               (kv-node asks on every tick, the simulator when it is due)
 * caller ──next(live pairs, now)──▶ schedule ──pair──▶ caller exchanges with it
 *                                    └─ the next exchange is due after pause ± 25 %
 * </pre>
 *
 * One pair per pause, round-robin over the live pairs, so that every pair comes up once per cycle: the pause is the
 * interval, shorter when there are too many pairs for each to come up once per cycle (with a quarter of the cycle to
 * spare for slow exchanges). The jitter keeps members started together from exchanging in step; it comes from the
 * injected generator, so a seeded one makes the schedule repeatable.
 *
 * <p>Not thread-safe: one caller (the node's scheduler thread, the simulator's loop) drives it.
 *
 * @param <P> the pair type (with value equality)
 */
public final class AntiEntropySchedule<P> {

    /**
     * The configured pace.
     *
     * @param interval pause between two exchanges when the pairs are few
     * @param cycle    every pair comes up at least once per cycle
     */
    public record Pacing(Duration interval, Duration cycle) {

        public Pacing {
            Objects.requireNonNull(interval, "interval");
            Objects.requireNonNull(cycle, "cycle");
            if (interval.toMillis() < 1 || cycle.toMillis() < 1) {
                throw new IllegalArgumentException("interval and cycle must be at least 1 ms: " + interval + ", "
                        + cycle);
            }
        }

        /** The pause before the next exchange, jitter aside: {@code min(interval, cycle * 3/4 / pairs)}. */
        public long pauseMillis(int pairs) {
            return Math.min(interval.toMillis(), cycle.toMillis() * 3 / 4 / Math.max(1, pairs));
        }

        /** The jitter's bound: the pause varies in {@code [pause - jitter, pause + jitter)}. */
        public long jitterMillis(int pairs) {
            return pauseMillis(pairs) / 4;
        }

        /**
         * The longest one round over {@code pairs} live pairs takes (every pause at the top of its jitter), in which
         * each pair comes up once: at most {@code cycle * 15/16}, and shorter when the interval is what paces.
         */
        public long roundMillis(int pairs) {
            return Math.max(1, pairs) * (pauseMillis(pairs) + jitterMillis(pairs));
        }
    }

    private final Pacing pacing;
    private final RandomGenerator random;
    private int cursor;
    private long nextDueMillis = Long.MIN_VALUE;

    public AntiEntropySchedule(Pacing pacing, RandomGenerator random) {
        this.pacing = Objects.requireNonNull(pacing, "pacing");
        this.random = Objects.requireNonNull(random, "random");
    }

    public Pacing pacing() {
        return pacing;
    }

    /** Whether an exchange is due at {@code nowMillis}; the first one is due at once. */
    public boolean isDue(long nowMillis) {
        return nowMillis >= nextDueMillis;
    }

    /** When the next exchange is due (epoch millis of the caller's clock); {@link Long#MIN_VALUE} before the first. */
    public long nextDueMillis() {
        return nextDueMillis;
    }

    /**
     * The pair to exchange with now: empty when no exchange is due yet, or none of the pairs is live. When one is
     * due, the next is set due one jittered pause (for this many live pairs) later, whether a pair was live or not.
     *
     * @param livePairs the pairs to choose from, in a stable order (the round-robin goes through it)
     */
    public Optional<P> next(List<P> livePairs, long nowMillis) {
        if (!isDue(nowMillis)) {
            return Optional.empty();
        }
        long pause = pacing.pauseMillis(livePairs.size());
        long jitter = pacing.jitterMillis(livePairs.size());
        nextDueMillis = nowMillis + pause + (jitter > 0 ? random.nextLong(-jitter, jitter) : 0);
        if (livePairs.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(livePairs.get(Math.floorMod(cursor++, livePairs.size())));
    }
}
