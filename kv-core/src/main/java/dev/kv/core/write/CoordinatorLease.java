package dev.kv.core.write;

import java.time.Duration;

/**
 * The time a coordinator replica has to apply a client write, so that the gateway can know when an attempt it gave up
 * on can no longer take effect (docs/design-notes.md, "One client write, one version").
 *
 * <p>The gateway stamps each coordinate attempt with a deadline, {@code applyWithin} after it sent it, on its own
 * clock. The coordinator checks the deadline against its own clock under the key's lock, immediately before it mints
 * a version, and refuses the attempt once the deadline has passed. So an attempt that sat in a paused node's socket,
 * or in a queue behind a garbage collection, is never applied late, after the gateway has moved on to another
 * coordinator and the client to newer writes.
 *
 * <p>The gateway may consider an unanswered attempt settled {@code maxClockSkew} after its deadline: that bounds by
 * how much a coordinator's clock may run <em>behind</em> the gateway's. A clock running ahead only makes the
 * coordinator refuse early, which costs a failover, never safety. Whether a settled attempt was applied before its
 * deadline (its answer lost) the gateway cannot tell; the write id's alias dot makes such twins harmless.
 */
public record CoordinatorLease(Duration applyWithin, Duration maxClockSkew) {

    public CoordinatorLease {
        if (applyWithin.isNegative() || applyWithin.isZero()) {
            throw new IllegalArgumentException("applyWithin must be positive");
        }
        if (maxClockSkew.isNegative()) {
            throw new IllegalArgumentException("maxClockSkew must not be negative");
        }
    }

    /** The deadline to send with an attempt sent at {@code sentAtMillis} (gateway clock). */
    public long deadline(long sentAtMillis) {
        return sentAtMillis + applyWithin.toMillis();
    }

    /** The moment (gateway clock) from which an attempt sent at {@code sentAtMillis} can no longer be applied. */
    public long settledAt(long sentAtMillis) {
        return deadline(sentAtMillis) + maxClockSkew.toMillis();
    }

    /** The coordinator's check, on its own clock, right before it applies an attempt. */
    public static boolean mayApply(long deadlineMillis, long nowMillis) {
        return nowMillis <= deadlineMillis;
    }
}
