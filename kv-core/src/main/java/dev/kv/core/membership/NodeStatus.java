package dev.kv.core.membership;

/** What a node announces about itself through gossip. */
public enum NodeStatus {
    /** Serving its ranges. */
    NORMAL,
    /** Stopping on purpose: peers mark it down at once instead of waiting for the detector. */
    SHUTDOWN;

    /**
     * The name in the cluster view ({@code normal}, {@code shutdown}). Gossip carries the constant's own name: each
     * message keeps the form it has always had.
     */
    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** @throws IllegalArgumentException if {@code name} is no status's {@link #wireName} */
    public static NodeStatus ofWireName(String name) {
        return valueOf(name.toUpperCase(java.util.Locale.ROOT));
    }
}
