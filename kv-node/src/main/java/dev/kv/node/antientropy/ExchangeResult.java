package dev.kv.node.antientropy;

/**
 * What one exchange of one range with one peer did.
 *
 * @param range         the range (replica set)
 * @param peer          the other node
 * @param outcome       in-sync, repaired, skipped (the peer does not know the range yet) or failed
 * @param keysCompared  keys whose digests were compared (only those in differing leaves)
 * @param keysRepaired  keys that differed and were pulled and pushed
 * @param bytesMoved    record bytes sent and received
 * @param bytesExchanged every message body sent and received: tree hashes, key digests and records
 * @param finishedAt    epoch millis
 * @param durationMs    how long it took
 * @param error         why it failed, if it did
 */
public record ExchangeResult(String range, String peer, String outcome, long keysCompared, long keysRepaired,
                             long bytesMoved, long bytesExchanged, long finishedAt, long durationMs, String error) {

    /** Whether every differing leaf was compared and its records moved both ways: what lets a tombstone be purged. */
    public boolean coveredEveryLeaf() {
        return "in-sync".equals(outcome) || "repaired".equals(outcome);
    }
}
