package dev.kv.node.faults;

import org.springframework.boot.convert.DurationStyle;

import java.time.Duration;

/** What an armed failpoint does when its step runs: halt the process, fail the step as an I/O error would, or stall. */
public sealed interface FailpointAction {

    /** A {@code kill -9} at that instant: the process halts without shutdown hooks (exit status 137). */
    record Crash() implements FailpointAction {
        @Override
        public String toString() {
            return "crash";
        }
    }

    /** The step fails as a RocksDB failure would ({@link FailpointException}); nothing of it is undone. */
    record IoError() implements FailpointAction {
        @Override
        public String toString() {
            return "error";
        }
    }

    /** The step stalls for {@code duration} first, as on a slow disk or a long pause of the JVM. */
    record Delay(Duration duration) implements FailpointAction {
        @Override
        public String toString() {
            return "delay:" + duration.toMillis() + "ms";
        }
    }

    /**
     * The action spelled {@code text}: {@code crash}, {@code error} or {@code delay:<duration>} ({@code delay:200ms}).
     *
     * @throws IllegalArgumentException if {@code text} is none of them
     */
    static FailpointAction parse(String text) {
        if (text.equals("crash")) {
            return new Crash();
        }
        if (text.equals("error")) {
            return new IoError();
        }
        if (text.startsWith("delay:")) {
            Duration duration;
            try {
                duration = DurationStyle.detectAndParse(text.substring("delay:".length()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("'" + text + "' is not a delay (e.g. delay:200ms)");
            }
            if (duration.isNegative()) {
                throw new IllegalArgumentException("'" + text + "' is a negative delay");
            }
            return new Delay(duration);
        }
        throw new IllegalArgumentException("unknown action '" + text
                + "' (expected crash, error or delay:<duration>, e.g. delay:200ms)");
    }
}
