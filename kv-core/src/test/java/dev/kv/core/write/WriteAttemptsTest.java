package dev.kv.core.write;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WriteAttemptsTest {

    private static final CoordinatorLease LEASE = new CoordinatorLease(Duration.ofMillis(250), Duration.ofMillis(200));

    @Test
    void everyAttemptCarriesTheWriteIdAndADeadlineOnTheGatewaysClock() {
        WriteAttempts attempts = new WriteAttempts(LEASE, 99);

        WriteAttempts.Attempt first = attempts.start(1_000);

        assertThat(first).isEqualTo(new WriteAttempts.Attempt(99, 1_000, 1_250, false));
    }

    @Test
    void afterAnAttemptThatWasProvablyNotAppliedTheNextGoesAtOnceAsAFirstAttempt() {
        WriteAttempts attempts = new WriteAttempts(LEASE, 99);
        WriteAttempts.Attempt first = attempts.start(1_000);

        attempts.ended(first, WriteAttempts.Outcome.NOT_APPLIED, 1_003);

        assertThat(attempts.nextAttemptNotBefore()).isEqualTo(1_003);
        assertThat(attempts.start(1_003).reattempt()).isFalse();
    }

    @Test
    void afterAnUnansweredAttemptTheNextWaitsUntilItSettledAndTakesTheAliasDot() {
        WriteAttempts attempts = new WriteAttempts(LEASE, 99);
        WriteAttempts.Attempt first = attempts.start(1_000);

        attempts.ended(first, WriteAttempts.Outcome.UNKNOWN, 1_010); // a reset connection, long before the deadline

        assertThat(attempts.nextAttemptNotBefore()).isEqualTo(LEASE.settledAt(1_000)).isEqualTo(1_450);
        assertThatThrownBy(() -> attempts.start(1_449)).isInstanceOf(IllegalStateException.class);
        WriteAttempts.Attempt second = attempts.start(1_450);
        assertThat(second.reattempt()).isTrue();
        // A later refusal does not make the write a first attempt again: the unknown one may still exist.
        attempts.ended(second, WriteAttempts.Outcome.NOT_APPLIED, 1_460);
        assertThat(attempts.start(1_460).reattempt()).isTrue();
    }

    @Test
    void theCoordinatorAppliesUntilTheDeadlineAndNeverAfter() {
        assertThat(CoordinatorLease.mayApply(1_250, 1_250)).isTrue();
        assertThat(CoordinatorLease.mayApply(1_250, 1_251)).isFalse();
    }
}
