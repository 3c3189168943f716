package dev.kv.core.hints;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.ToLongFunction;

/**
 * Hinted handoff, the delivery decision of one round for one target.
 *
 * <pre>
 * every round, for each target with pending hints:
 *   holder reads the target's oldest hints, at most {@link #hintsPerRound}
 *   plan: those older than the window are dropped (anti-entropy repairs what they held), whatever the target's state
 *         the others are sent, oldest first, only if the target is judged alive (and reachable)
 *   holder ──merge(record)──▶ target, one at a time; a delivered hint is deleted, and the first failure ends
 *                             the target's round (the rest wait for the next round, still oldest first)
 * </pre>
 *
 * kv-node's {@code HintDelivery} and the simulator's nodes run this plan; they do the reading, sending and deleting.
 *
 * @param expired hints to drop as expired, oldest first
 * @param send    hints to send, oldest first; the sender stops at the first that fails
 * @param <H>     the holder's hint type
 */
public record HintDeliveryPlan<H>(List<H> expired, List<H> send) {

    public HintDeliveryPlan {
        expired = List.copyOf(expired);
        send = List.copyOf(send);
    }

    /** Hints sent to one target per round at most: the delivery rate over one round's interval, at least one. */
    public static int hintsPerRound(long hintsPerSecond, Duration interval) {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, hintsPerSecond * interval.toMillis() / 1000));
    }

    /**
     * The round's plan for one target.
     *
     * @param policy         the hint window
     * @param oldest         the target's oldest hints, oldest first, as many as the holder read for this round
     * @param storedAtMillis when the holder stored a hint (its clock)
     * @param targetAlive    whether the target is judged alive and can be reached; if not, nothing is sent
     * @param nowMillis      the holder's clock now
     */
    public static <H> HintDeliveryPlan<H> of(HintPolicy policy, List<H> oldest, ToLongFunction<H> storedAtMillis,
                                            boolean targetAlive, long nowMillis) {
        Objects.requireNonNull(policy, "policy");
        List<H> expired = new ArrayList<>();
        List<H> send = new ArrayList<>();
        for (H hint : oldest) {
            if (policy.isExpired(storedAtMillis.applyAsLong(hint), nowMillis)) {
                expired.add(hint);
            } else if (targetAlive) {
                send.add(hint);
            }
        }
        return new HintDeliveryPlan<>(expired, send);
    }
}
