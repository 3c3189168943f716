package dev.kv.core.hints;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class HintDeliveryPlanTest {

    private static final HintPolicy POLICY = new HintPolicy(Duration.ofSeconds(10), 1_000_000);

    /** A hint as a holder keeps it: stored at some time. */
    private record Hint(String key, long storedAtMillis) {
    }

    private static final List<Hint> OLDEST = List.of(new Hint("a", 1_000), new Hint("b", 5_000),
            new Hint("c", 9_000), new Hint("d", 12_000));

    @Test
    void hintsOlderThanTheWindowAreDroppedAndTheRestSentOldestFirst() {
        HintDeliveryPlan<Hint> plan = HintDeliveryPlan.of(POLICY, OLDEST, Hint::storedAtMillis, true, 15_001);
        assertThat(plan.expired()).extracting(Hint::key).containsExactly("a", "b");
        assertThat(plan.send()).extracting(Hint::key).containsExactly("c", "d");
    }

    @Test
    void aTargetNotJudgedAliveGetsNothingButItsExpiredHintsAreDroppedAllTheSame() {
        HintDeliveryPlan<Hint> plan = HintDeliveryPlan.of(POLICY, OLDEST, Hint::storedAtMillis, false, 15_001);
        assertThat(plan.expired()).extracting(Hint::key).containsExactly("a", "b");
        assertThat(plan.send()).isEmpty();
    }

    @Test
    void aHintExactlyAWindowOldIsStillSent() {
        HintDeliveryPlan<Hint> plan = HintDeliveryPlan.of(POLICY, OLDEST, Hint::storedAtMillis, true, 11_000);
        assertThat(plan.expired()).isEmpty();
        assertThat(plan.send()).extracting(Hint::key).containsExactly("a", "b", "c", "d");
        HintDeliveryPlan<Hint> later = HintDeliveryPlan.of(POLICY, OLDEST, Hint::storedAtMillis, true, 11_001);
        assertThat(later.expired()).extracting(Hint::key).containsExactly("a");
        assertThat(later.send()).extracting(Hint::key).containsExactly("b", "c", "d");
    }

    @Test
    void aRoundSendsTheRateOverTheIntervalAndAtLeastOne() {
        assertThat(HintDeliveryPlan.hintsPerRound(1000, Duration.ofSeconds(1))).isEqualTo(1000);
        assertThat(HintDeliveryPlan.hintsPerRound(1000, Duration.ofMillis(250))).isEqualTo(250);
        assertThat(HintDeliveryPlan.hintsPerRound(1, Duration.ofMillis(250))).isEqualTo(1);
        assertThat(HintDeliveryPlan.hintsPerRound(Integer.MAX_VALUE, Duration.ofHours(1)))
                .isEqualTo(Integer.MAX_VALUE);
    }
}
