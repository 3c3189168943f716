package dev.kv.node.faults;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;

/**
 * The hooks the durable steps call ({@link #fire}): inert unless a test armed a failpoint. The replica merge is the
 * hottest path of the node, so an unarmed hook costs one read of a final field, with no lookup and no allocation;
 * only an armed node looks its failpoint up (by ordinal) and acts.
 */
public final class Failpoints {

    /** The exit status of a process killed by SIGKILL, which a crash failpoint stands for. */
    static final int KILLED = 137;

    private static final Logger log = LoggerFactory.getLogger(Failpoints.class);
    private static final Failpoints DISABLED = new Failpoints(Map.of(), Halt.RUNTIME);

    private final boolean armed;
    /** By {@link Failpoint#ordinal()}; null where nothing is armed. */
    private final FailpointAction[] actions = new FailpointAction[Failpoint.values().length];
    private final Halt halt;

    public Failpoints(Map<Failpoint, FailpointAction> armed, Halt halt) {
        this.armed = !armed.isEmpty();
        armed.forEach((point, action) -> actions[point.ordinal()] = action);
        this.halt = halt;
    }

    /** Nothing armed: for the tests and tools that build a node's parts by hand. */
    public static Failpoints disabled() {
        return DISABLED;
    }

    /**
     * Acts as {@code point} is armed to: halts the process, throws {@link FailpointException}, or stalls; returns
     * at once if it is not armed.
     */
    public void fire(Failpoint point) {
        if (armed) {
            trigger(point);
        }
    }

    private void trigger(Failpoint point) {
        switch (actions[point.ordinal()]) {
            case null -> { }
            case FailpointAction.Crash crash -> {
                log.error("failpoint {}: crashing", point);
                System.out.flush();
                System.err.flush();
                halt.halt(KILLED);
            }
            case FailpointAction.IoError error -> throw new FailpointException(point);
            case FailpointAction.Delay delay -> stall(delay);
        }
    }

    private static void stall(FailpointAction.Delay delay) {
        try {
            Thread.sleep(delay.duration());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
