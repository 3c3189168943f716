package dev.kv.core.write;

import dev.kv.core.version.WriteIds;

/**
 * The gateway's coordinator attempts for one client write, as a state machine fed with outcomes and time: every
 * attempt carries the write's id and a deadline; an attempt whose outcome is unknown makes every later attempt a
 * re-attempt (it takes the write's alias dot, see {@link WriteIds}) and delays the next attempt until the unknown one
 * has settled ({@link CoordinatorLease#settledAt}), so at no moment can two coordinators still be about to apply the
 * write under different dots without the later one knowing it is a twin.
 *
 * <p>Not thread-safe: one request drives it.
 */
public final class WriteAttempts {

    /** How an attempt ended, as far as the gateway can tell. */
    public enum Outcome {
        /** The coordinator answered with the record it stored. */
        APPLIED,
        /**
         * Provably not applied: the call never reached the coordinator (connection refused, breaker open) or the
         * coordinator answered that it refused the write (deadline passed, not ready, a client error).
         */
        NOT_APPLIED,
        /** No answer, a broken connection after sending, or a server error: the write may have been applied. */
        UNKNOWN
    }

    /** One attempt to send: its deadline and whether it must take the alias dot. */
    public record Attempt(long writeId, long sentAtMillis, long deadlineMillis, boolean reattempt) {
    }

    private final CoordinatorLease lease;
    private final long writeId;
    private boolean earlierMayHaveApplied;
    private long notBeforeMillis = Long.MIN_VALUE;

    public WriteAttempts(CoordinatorLease lease, long writeId) {
        if (writeId == WriteIds.NONE) {
            throw new IllegalArgumentException("a client write needs an id");
        }
        this.lease = lease;
        this.writeId = writeId;
    }

    public long writeId() {
        return writeId;
    }

    /** The earliest moment the next attempt may be sent (the caller waits until then). */
    public long nextAttemptNotBefore() {
        return notBeforeMillis;
    }

    /** Starts an attempt at {@code nowMillis}, which must not be before {@link #nextAttemptNotBefore()}. */
    public Attempt start(long nowMillis) {
        if (nowMillis < notBeforeMillis) {
            throw new IllegalStateException("the previous attempt has not settled until " + notBeforeMillis);
        }
        return new Attempt(writeId, nowMillis, lease.deadline(nowMillis), earlierMayHaveApplied);
    }

    /** Records how {@code attempt} ended at {@code nowMillis}. */
    public void ended(Attempt attempt, Outcome outcome, long nowMillis) {
        if (outcome == Outcome.UNKNOWN) {
            earlierMayHaveApplied = true;
            notBeforeMillis = Math.max(nowMillis, lease.settledAt(attempt.sentAtMillis()));
        } else {
            notBeforeMillis = nowMillis;
        }
    }
}
