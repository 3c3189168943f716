package dev.kv.web.runtime;

import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * Where real time and chance enter the services: the one class that reads the system's clocks and draws from its
 * entropy (an architecture test holds every other service class to it). Protocol decisions never call it: they live
 * in kv-core and take an {@link InstantSource} and a {@link RandomGenerator}, which the simulator replaces with
 * simulated time and a seeded generator. What is left here is plumbing: I/O deadlines, request timings, the wall
 * clock a service hands to kv-core, and identities that must not be predictable.
 */
public final class SystemSources {

    private static final InstantSource WALL_CLOCK = InstantSource.system();

    private SystemSources() {
    }

    /** The wall clock, for kv-core's machines and everything dated. */
    public static InstantSource wallClock() {
        return WALL_CLOCK;
    }

    /** Epoch milliseconds of the wall clock. */
    public static long wallMillis() {
        return WALL_CLOCK.millis();
    }

    /** A monotonic reading for measuring durations and I/O deadlines (never a date). */
    public static long monotonicNanos() {
        return System.nanoTime();
    }

    /** A generator seeded from the system's entropy: jitter, write ids. */
    public static RandomGenerator newRandom() {
        return new SplittableRandom(new SecureRandom().nextLong());
    }

    /** For what must not be guessed: node epochs, secrets. */
    public static SecureRandom secureRandom() {
        return new SecureRandom();
    }
}
