package dev.kv.it.faults;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The faults on one directed link: the connections one caller opens to one node. A cut holds the link's traffic
 * (nothing is lost: what was sent is delivered once the cut heals, as TCP retransmits after a partition, by which
 * time the caller has usually given up), a delay holds each chunk the caller sends, and a share of the caller's
 * chunks can be dropped (the connection goes silent for good) or reset (both ends see a reset).
 */
final class Link {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition healed = lock.newCondition();
    private volatile boolean cut;
    private volatile long delayMillis;
    private volatile long jitterMillis;
    private volatile double dropShare;
    private volatile double resetShare;

    /** What happens to one chunk the caller sent. */
    enum Fate { FORWARD, DROP, RESET }

    void cut(boolean on) {
        lock.lock();
        try {
            cut = on;
            if (!on) {
                healed.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    boolean isCut() {
        return cut;
    }

    void delay(long millis, long jitter) {
        this.delayMillis = millis;
        this.jitterMillis = jitter;
    }

    void drop(double share) {
        this.dropShare = share;
    }

    void reset(double share) {
        this.resetShare = share;
    }

    void heal() {
        delay(0, 0);
        drop(0);
        reset(0);
        cut(false);
    }

    /** Blocks while the link is cut. */
    void awaitOpen() throws InterruptedException {
        if (!cut) {
            return;
        }
        lock.lock();
        try {
            while (cut) {
                healed.await();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Holds a chunk the caller sent for the link's delay. */
    void delay() throws InterruptedException {
        long base = delayMillis;
        if (base <= 0) {
            return;
        }
        long jitter = jitterMillis;
        long millis = jitter <= 0 ? base : base + ThreadLocalRandom.current().nextLong(-jitter, jitter + 1);
        if (millis > 0) {
            Thread.sleep(millis);
        }
    }

    Fate fate() {
        double drop = dropShare;
        double reset = resetShare;
        if (drop <= 0 && reset <= 0) {
            return Fate.FORWARD;
        }
        double roll = ThreadLocalRandom.current().nextDouble();
        return roll < drop ? Fate.DROP : roll < drop + reset ? Fate.RESET : Fate.FORWARD;
    }
}
