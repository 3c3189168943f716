package dev.kv.sim;

/**
 * Known bug classes the simulator can put back into the protocols, to show that its checkers catch them. Only the
 * simulator can switch them on; the services have no such switch.
 */
enum Bug {
    /**
     * Plain per-node vector clocks instead of dotted ones: a coordinator takes its own clock as every write's context,
     * so a second write through the same coordinator supersedes a concurrent first one (the lost sibling).
     */
    PLAIN_VECTOR_CLOCKS,
    /**
     * Tombstones purged at once, instead of after a grace period longer than the anti-entropy cycle and an exchange
     * with every other replica.
     */
    EARLY_TOMBSTONE_PURGE,
    /** Read repair writes the merged value as a new write instead of sending the merged record with its clock. */
    VALUE_ONLY_READ_REPAIR
}
