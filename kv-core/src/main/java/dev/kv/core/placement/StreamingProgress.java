package dev.kv.core.placement;

/**
 * What a node is streaming in (the ranges it gains in the change under way), as {@code /internal/v1/streaming},
 * the cluster view and the dashboard show it.
 *
 * @param version        the topology the streaming is for
 * @param phase          {@code idle} (nothing to gain), {@code streaming}, {@code waiting-for-sources} (fewer live
 *                       sources than needed, retrying) or {@code done}
 * @param rangesDone     ranges merged so far, including those done before a restart (checkpointed)
 * @param rangesTotal    ranges this node gains
 * @param keys           records received by this process
 * @param bytes          bytes received by this process (records and digests)
 * @param bytesPerSecond average rate since streaming started in this process
 * @param etaSeconds     at that rate, seconds until done, or null when unknown
 * @param resumedRanges  ranges found done in the checkpoint when this process started streaming
 */
public record StreamingProgress(String version, String phase, int rangesDone, int rangesTotal, long keys, long bytes,
                                double bytesPerSecond, Long etaSeconds, int resumedRanges) {

    public static StreamingProgress idle(String version) {
        return new StreamingProgress(version, "idle", 0, 0, 0, 0, 0, null, 0);
    }

    /**
     * Whether nothing is left to stream in. Jackson writes it as a property, {@code done}, which the JSON forms have
     * always carried: a method named {@code isX} or {@code getX} added here would add one as well.
     */
    public boolean isDone() {
        return phase.equals("done") || phase.equals("idle");
    }
}
