package dev.kv.core.ring;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static dev.kv.core.ring.RingFixtures.DEFAULT_VIRTUAL_NODES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Prints how evenly 256 virtual nodes spread primary ownership for 3, 5 and 10 members, and how many keys move when
 * one member joins, so the numbers can be quoted in the docs. The assertions only keep the report honest (shares sum
 * to one, the spread is what the ring says); the balance bounds live in {@link TokenRingTest} and
 * {@link TokenRingProperties}.
 */
class RingBalanceReportTest {

    private static final int SAMPLED_KEYS = 100_000;

    @Test
    void reportsOwnershipSpreadAndKeyMovementAt256VirtualNodes() {
        System.out.println("Ring balance at " + DEFAULT_VIRTUAL_NODES + " virtual nodes per member"
                + " (share = fraction of the token space a member is primary for; ideal = 1/M)");
        for (int members : new int[] {3, 5, 10}) {
            for (List<String> ids : List.of(RingFixtures.localIds(members), RingFixtures.podIds(members))) {
                report(ids);
            }
        }
    }

    private static void report(List<String> ids) {
        int members = ids.size();
        TokenRing ring = TokenRing.of(ids, DEFAULT_VIRTUAL_NODES);
        Map<String, Double> shares = ring.primaryOwnership();
        double max = Collections.max(shares.values());
        double min = Collections.min(shares.values());
        double ideal = 1.0 / members;
        double spread = (max - min) / ideal;

        List<String> grown = new ArrayList<>(ids);
        String joiner = ids.getFirst().startsWith("n") ? "n" + (members + 1) : "kv-node-" + members;
        grown.add(joiner);
        TokenRing after = TokenRing.of(grown, DEFAULT_VIRTUAL_NODES);
        SplittableRandom random = new SplittableRandom(members);
        int moved = 0;
        for (int i = 0; i < SAMPLED_KEYS; i++) {
            byte[] key = ("key-" + random.nextLong()).getBytes(StandardCharsets.UTF_8);
            if (!ring.preferenceList(key, 1).equals(after.preferenceList(key, 1))) {
                moved++;
            }
        }
        double movedFraction = (double) moved / SAMPLED_KEYS;
        System.out.printf("  M=%-2d ids %-12s max share %.4f  min share %.4f  max/min %.3f  (max-min)/ideal %.3f"
                        + "  | adding %s moves %.4f of keys (ideal 1/(M+1) = %.4f, ratio %.2f)%n",
                members, ids.getFirst() + "..", max, min, max / min, spread, joiner, movedFraction,
                1.0 / (members + 1), movedFraction * (members + 1));

        assertThat(shares.values().stream().mapToDouble(Double::doubleValue).sum()).isCloseTo(1.0,
                within(1e-9));
        assertThat(spread).isGreaterThan(0).isLessThan(0.5);
        assertThat(movedFraction).isCloseTo(after.primaryOwnership().get(joiner),
                within(0.01));
    }
}
