package dev.kv.core.merkle;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class AntiEntropyScheduleTest {

    private static final AntiEntropySchedule.Pacing NODE_DEFAULTS =
            new AntiEntropySchedule.Pacing(Duration.ofSeconds(5), Duration.ofMinutes(10));

    /** An exchange as the schedule chose it: when, and with which pair. */
    private record Exchange(long atMillis, String pair) {
    }

    @Test
    void everyPairComesUpInEveryWindowOfOneCycleWhetherTheIntervalOrTheCyclePaces() {
        for (int count : new int[] {1, 6, 90, 1_000}) {
            List<String> pairs = pairs(count);
            List<Exchange> exchanges = run(new AntiEntropySchedule<>(NODE_DEFAULTS, new SplittableRandom(count)),
                    pairs, 0, 4 * NODE_DEFAULTS.cycle().toMillis());
            long cycle = NODE_DEFAULTS.cycle().toMillis();
            for (long from = 0; from + cycle <= 3 * cycle; from += cycle / 7) {
                long start = from;
                List<String> seen = exchanges.stream().filter(e -> e.atMillis() >= start
                        && e.atMillis() < start + cycle).map(Exchange::pair).distinct().toList();
                assertThat(seen).as("%d pairs, the cycle from %d ms", count, start)
                        .containsExactlyInAnyOrderElementsOf(pairs);
            }
            assertThat(NODE_DEFAULTS.roundMillis(count)).isLessThanOrEqualTo(cycle * 15 / 16);
        }
    }

    @Test
    void aRoundGoesThroughThePairsInTheirOrderOnceEach() {
        List<String> pairs = pairs(4);
        List<Exchange> exchanges = run(new AntiEntropySchedule<>(NODE_DEFAULTS, new SplittableRandom(1)), pairs, 0,
                NODE_DEFAULTS.roundMillis(4) * 2);
        assertThat(exchanges.stream().map(Exchange::pair).limit(8).toList())
                .containsExactly("r0-p0", "r1-p1", "r2-p2", "r3-p3", "r0-p0", "r1-p1", "r2-p2", "r3-p3");
    }

    @Test
    void thePauseIsTheIntervalOrThreeQuartersOfTheCyclePerPairWithAQuarterOfJitter() {
        assertThat(NODE_DEFAULTS.pauseMillis(0)).isEqualTo(5_000);
        assertThat(NODE_DEFAULTS.pauseMillis(90)).isEqualTo(5_000);
        assertThat(NODE_DEFAULTS.pauseMillis(91)).isEqualTo(600_000 * 3 / 4 / 91);
        assertThat(NODE_DEFAULTS.pauseMillis(1_000)).isEqualTo(450);
        assertThat(NODE_DEFAULTS.jitterMillis(1_000)).isEqualTo(112);
        assertThat(NODE_DEFAULTS.roundMillis(1_000)).isEqualTo(1_000 * (450 + 112));
        for (int count : new int[] {3, 1_000}) {
            long pause = NODE_DEFAULTS.pauseMillis(count);
            long jitter = NODE_DEFAULTS.jitterMillis(count);
            List<Exchange> exchanges = run(new AntiEntropySchedule<>(NODE_DEFAULTS, new SplittableRandom(7)),
                    pairs(count), 0, 500 * pause);
            List<Long> gaps = IntStream.range(1, exchanges.size())
                    .mapToObj(i -> exchanges.get(i).atMillis() - exchanges.get(i - 1).atMillis()).toList();
            assertThat(gaps).hasSizeGreaterThan(400).allSatisfy(gap -> assertThat(gap)
                    .isBetween(pause - jitter, pause + jitter - 1));
            assertThat(gaps.stream().distinct().count()).as("jittered").isGreaterThan(10);
        }
    }

    @Test
    void withNoLivePairNothingIsChosenAndTheScheduleWaitsAPauseBeforeLookingAgain() {
        AntiEntropySchedule<String> schedule = new AntiEntropySchedule<>(NODE_DEFAULTS, new SplittableRandom(3));
        assertThat(schedule.isDue(0)).isTrue();
        assertThat(schedule.next(List.of(), 0)).isEmpty();
        assertThat(schedule.nextDueMillis()).isBetween(5_000 - 1_250L, 5_000 + 1_249L);
        assertThat(schedule.isDue(schedule.nextDueMillis() - 1)).isFalse();
        assertThat(schedule.next(pairs(2), schedule.nextDueMillis() - 1)).as("not due yet").isEmpty();
        assertThat(schedule.next(pairs(2), schedule.nextDueMillis())).contains("r0-p0");
    }

    @Test
    void theSameSeedGivesTheSameScheduleAndAnotherSeedAnotherOne() {
        List<String> pairs = pairs(12);
        long until = NODE_DEFAULTS.cycle().toMillis();
        List<Exchange> first = run(new AntiEntropySchedule<>(NODE_DEFAULTS, new SplittableRandom(42)), pairs, 0, until);
        List<Exchange> again = run(new AntiEntropySchedule<>(NODE_DEFAULTS, new SplittableRandom(42)), pairs, 0, until);
        List<Exchange> other = run(new AntiEntropySchedule<>(NODE_DEFAULTS, new SplittableRandom(43)), pairs, 0, until);
        assertThat(again).isEqualTo(first);
        assertThat(other).isNotEqualTo(first);
    }

    @Test
    void aPacingNeedsAPositiveIntervalAndCycle() {
        org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
                .isThrownBy(() -> new AntiEntropySchedule.Pacing(Duration.ZERO, Duration.ofMinutes(1)));
    }

    /** Drives the schedule as a caller that asks exactly when the next exchange is due. */
    private static List<Exchange> run(AntiEntropySchedule<String> schedule, List<String> pairs, long from, long until) {
        List<Exchange> exchanges = new ArrayList<>();
        long now = from;
        while (now < until) {
            Optional<String> pair = schedule.next(pairs, now);
            long at = now;
            pair.ifPresent(p -> exchanges.add(new Exchange(at, p)));
            now = schedule.nextDueMillis();
        }
        return exchanges;
    }

    private static List<String> pairs(int count) {
        return IntStream.range(0, count).mapToObj(i -> "r" + i + "-p" + i % 7).toList();
    }
}
