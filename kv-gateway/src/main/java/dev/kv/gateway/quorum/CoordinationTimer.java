package dev.kv.gateway.quorum;

import jakarta.annotation.PreDestroy;
import org.springframework.stereotype.Component;

import java.time.InstantSource;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * The gateway's timer for its coordinations: runs a task once the gateway's clock (the {@link InstantSource} bean)
 * reads a given moment, each on a virtual thread of its own, since a task may make a blocking replica call (a
 * coordinator attempt after its predecessor settled). One scheduler thread measures the delays; a task it wakes before
 * the clock reads the moment (the two may disagree by a millisecond) waits for the rest.
 *
 * <p>A wake-up is cancelled when its request needs it no longer (most requests finish long before their deadline
 * and speculative retry): a cancelled task leaves the scheduler's queue at once, so neither a thread nor a machine
 * event is spent on it (before, every wake-up of every request fired, a virtual thread each, seconds after its
 * request had been answered).
 */
@Component
class CoordinationTimer {

    /** A scheduled wake-up, to cancel when it is no longer needed. */
    interface Wake {
        void cancel();
    }

    private static final Wake NONE = () -> {
    };

    private final InstantSource clock;
    private final Executor virtualThreads;
    private final ScheduledThreadPoolExecutor scheduler;

    CoordinationTimer(InstantSource clock) {
        this.clock = clock;
        ThreadFactory threads = Thread.ofVirtual().name("kv-coordination-timer-", 0).factory();
        this.virtualThreads = task -> threads.newThread(task).start();
        this.scheduler = new ScheduledThreadPoolExecutor(1, Thread.ofPlatform().daemon().name("kv-coordination-timer")
                .factory());
        scheduler.setRemoveOnCancelPolicy(true);
    }

    /** The gateway clock's epoch milliseconds, the time the coordinations are fed. */
    long millis() {
        return clock.millis();
    }

    /** Runs {@code task} once {@link #millis()} reads {@code atMillis} or later. */
    Wake at(long atMillis, Runnable task) {
        long delayMillis = atMillis - clock.millis();
        if (delayMillis <= 0) {
            virtualThreads.execute(task);
            return NONE;
        }
        Future<?> scheduled = scheduler.schedule(() -> virtualThreads.execute(() -> {
            if (clock.millis() >= atMillis) {
                task.run();
            } else {
                at(atMillis, task);
            }
        }), delayMillis, TimeUnit.MILLISECONDS);
        return () -> scheduled.cancel(false);
    }

    @PreDestroy
    void stop() {
        scheduler.shutdownNow();
    }
}
