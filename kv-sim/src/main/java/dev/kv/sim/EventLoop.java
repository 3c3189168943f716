package dev.kv.sim;

import java.util.PriorityQueue;

/**
 * Simulated time: a queue of actions by due time, run one at a time on the caller's thread. Actions due at the same
 * moment run in the order they were scheduled, so a run depends on nothing but its seed.
 */
final class EventLoop {

    private record Event(long at, long sequence, Runnable action) {
    }

    private final PriorityQueue<Event> queue = new PriorityQueue<>((a, b) -> a.at != b.at
            ? Long.compare(a.at, b.at) : Long.compare(a.sequence, b.sequence));
    private long now;
    private long sequence;
    private long executed;

    long now() {
        return now;
    }

    void at(long time, Runnable action) {
        queue.add(new Event(Math.max(time, now), sequence++, action));
    }

    void after(long delay, Runnable action) {
        at(now + delay, action);
    }

    /** Runs every action due up to {@code time}, then sets the clock to it. */
    void runUntil(long time) {
        while (!queue.isEmpty() && queue.peek().at <= time) {
            Event event = queue.poll();
            now = event.at;
            executed++;
            event.action.run();
        }
        now = Math.max(now, time);
    }

    /** Runs until {@code done} holds or {@code limit} is reached; answers whether it holds. */
    boolean runUntil(java.util.function.BooleanSupplier done, long limit) {
        while (!done.getAsBoolean()) {
            if (queue.isEmpty() || queue.peek().at > limit) {
                now = Math.max(now, limit);
                return done.getAsBoolean();
            }
            Event event = queue.poll();
            now = event.at;
            executed++;
            event.action.run();
        }
        return true;
    }

    long executed() {
        return executed;
    }
}
