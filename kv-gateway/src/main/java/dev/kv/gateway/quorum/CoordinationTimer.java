package dev.kv.gateway.quorum;

import org.springframework.stereotype.Component;

import java.time.InstantSource;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * The gateway's timer for its coordinations: runs a task once the gateway's clock (the {@link InstantSource} bean)
 * reads a given moment, each on a virtual thread of its own, since a task may make a blocking replica call (a
 * coordinator attempt after its predecessor settled). The JDK's scheduler measures the delay; a task it wakes before
 * the clock reads the moment (the two may disagree by a millisecond) waits for the rest.
 */
@Component
class CoordinationTimer {

    private final InstantSource clock;
    private final Executor virtualThreads;

    CoordinationTimer(InstantSource clock) {
        this.clock = clock;
        ThreadFactory threads = Thread.ofVirtual().name("kv-coordination-timer-", 0).factory();
        this.virtualThreads = task -> threads.newThread(task).start();
    }

    /** The gateway clock's epoch milliseconds, the time the coordinations are fed. */
    long millis() {
        return clock.millis();
    }

    /** Runs {@code task} once {@link #millis()} reads {@code atMillis} or later. */
    void at(long atMillis, Runnable task) {
        long delayMillis = atMillis - clock.millis();
        if (delayMillis <= 0) {
            virtualThreads.execute(task);
            return;
        }
        CompletableFuture.delayedExecutor(delayMillis, TimeUnit.MILLISECONDS, virtualThreads).execute(() -> {
            if (clock.millis() >= atMillis) {
                task.run();
            } else {
                at(atMillis, task);
            }
        });
    }
}
