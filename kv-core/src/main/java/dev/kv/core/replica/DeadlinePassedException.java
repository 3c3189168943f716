package dev.kv.core.replica;

/**
 * A coordinate attempt reached the key's lock after the deadline its gateway gave it, so it was not applied: the
 * gateway has moved on, or is about to (see {@code CoordinatorLease}). The write is provably not stored here.
 */
public class DeadlinePassedException extends RuntimeException {

    public DeadlinePassedException(long deadlineMillis, long nowMillis) {
        super("the write's deadline passed " + (nowMillis - deadlineMillis)
                + " ms ago on this node's clock; not applied");
    }
}
