package dev.kv.core.membership;

/** What a node announces about itself through gossip. */
public enum NodeStatus {
    /** Serving its ranges. */
    NORMAL,
    /** Stopping on purpose: peers mark it down at once instead of waiting for the detector. */
    SHUTDOWN
}
