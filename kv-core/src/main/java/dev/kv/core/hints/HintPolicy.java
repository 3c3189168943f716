package dev.kv.core.hints;

import java.time.Duration;

/**
 * The bounds of hinted handoff: a hint is kept at most {@code window} (after that the target has missed too much
 * for hints to be the right repair; anti-entropy covers it), and a holder keeps at most {@code maxBytes} of hints
 * in all (beyond that it refuses new ones, which then do not count toward a write quorum).
 */
public record HintPolicy(Duration window, long maxBytes) {

    public boolean admits(long storedBytes, long hintBytes) {
        return storedBytes + hintBytes <= maxBytes;
    }

    public boolean isExpired(long storedAtMillis, long nowMillis) {
        return nowMillis - storedAtMillis > window.toMillis();
    }
}
