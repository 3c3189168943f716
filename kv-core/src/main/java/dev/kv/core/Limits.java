package dev.kv.core;

/**
 * Every bound of the system in one place, so that their relations can be read and checked together.
 * Configurable limits (the value size, for example) have their default and their hard ceiling here.
 */
public final class Limits {

    /** A key is 1 to 1024 bytes of UTF-8 (DESIGN §2). */
    public static final int KEY_BYTES_MAX = 1024;

    /** Default ceiling for a value; a cluster may lower it, never raise it above {@link #VALUE_BYTES_HARD_MAX}. */
    public static final int VALUE_BYTES_MAX = 1024 * 1024;

    /** The codec refuses values above this whatever the configuration says. */
    public static final int VALUE_BYTES_HARD_MAX = 16 * 1024 * 1024;

    /** A write prunes its vector clock to this many entries, dropping the least recently updated first. */
    public static final int CLOCK_ENTRIES_MAX = 10;

    /**
     * Clock entries that advanced within this long are not pruned ({@code VersionVector#pruneOld}), as Riak's
     * {@code old_vclock}: their actor's versions may still be on their way (hints, partitions, anti-entropy).
     */
    public static final long CLOCK_PRUNE_MIN_AGE_MILLIS = 24L * 3600 * 1000;

    /** Beyond this many entries a clock is pruned back to this many, whatever the entries' age. */
    public static final int CLOCK_ENTRIES_CEILING = 24;

    /**
     * A clock keeps the marks of recent client writes ({@code WriteIds#markDot}) for this long after its newest entry,
     * and at most {@link #WRITE_MARKS_MAX} of them: a mark must outlive the re-attempts of its write, which end within
     * a request's lifetime (a few replica timeouts).
     */
    public static final long WRITE_MARK_WINDOW_MILLIS = 5_000;

    public static final int WRITE_MARKS_MAX = 32;

    /**
     * Merges never prune (pruning is not a join), so a merged clock may briefly exceed {@link #CLOCK_ENTRIES_MAX};
     * the codec rejects anything beyond this as corrupt.
     */
    public static final int CLOCK_ENTRIES_HARD_MAX = 64;

    /** A write that would leave more siblings than this is refused until a client resolves the conflict. */
    public static final int SIBLINGS_MAX = 16;

    /** Actor ids ("node id:generation") and content types are short strings. */
    public static final int ACTOR_BYTES_MAX = 255;

    public static final int CONTENT_TYPE_BYTES_MAX = 255;

    /** Longest accepted TTL: ten years, so that an absolute expiry never overflows. */
    public static final long TTL_SECONDS_MAX = 10L * 365 * 24 * 3600;

    /** Replication factor bounds. */
    public static final int REPLICATION_FACTOR_MAX = 7;

    /** Virtual nodes per physical node. */
    public static final int VIRTUAL_NODES_MAX = 4096;

    static {
        if (VALUE_BYTES_MAX > VALUE_BYTES_HARD_MAX || CLOCK_ENTRIES_MAX > CLOCK_ENTRIES_HARD_MAX
                || SIBLINGS_MAX < 2) {
            throw new ExceptionInInitializerError("inconsistent limits");
        }
    }

    private Limits() {
    }
}
