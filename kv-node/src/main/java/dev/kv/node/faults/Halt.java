package dev.kv.node.faults;

/**
 * Ends the process at once, as {@code kill -9} would: no shutdown hooks, no flush of RocksDB's memtables beyond its
 * write-ahead log. A seam of its own so that a test can see a crash failpoint fire without halting its JVM.
 */
@FunctionalInterface
public interface Halt {

    /** {@link Runtime#halt(int)}: the production halter. */
    Halt RUNTIME = status -> Runtime.getRuntime().halt(status);

    /** Ends the process with {@code status}; returns only in a test. */
    void halt(int status);
}
