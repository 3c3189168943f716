package dev.kv.core.record;

import java.util.Locale;

/** How a cluster resolves concurrent writes; set once per cluster. */
public enum ConflictMode {
    /** Dotted version vectors: concurrent writes survive as siblings for the client to resolve (Dynamo, Riak). */
    VECTOR_CLOCK("vector-clock"),
    /** Last write wins by hybrid logical timestamp; concurrent writes are silently discarded (Cassandra). */
    LWW("lww");

    private final String wireName;

    ConflictMode(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public Versioning versioning() {
        return this == LWW ? LastWriteWins.INSTANCE : DottedVersioning.INSTANCE;
    }

    public static ConflictMode parse(String text) {
        String normalized = text.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        for (ConflictMode mode : values()) {
            if (mode.wireName.equals(normalized)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("unknown conflict mode '" + text + "' (expected vector-clock or lww)");
    }
}
