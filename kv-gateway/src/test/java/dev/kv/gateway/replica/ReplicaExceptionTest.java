package dev.kv.gateway.replica;

import dev.kv.core.contract.FailureKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;

class ReplicaExceptionTest {

    @ParameterizedTest(name = "HTTP {0}: the client's fault = {1}")
    @CsvSource({"400, true", "404, true", "413, true", "401, false", "403, false", "500, false", "503, false",
            "0, false"})
    void aRefusedCredentialIsTheClustersFaultNotTheClients(int status, boolean clientError) {
        ReplicaException failure = new ReplicaException("n1", status, "refused", null);

        assertThat(failure.isClientError()).isEqualTo(clientError);
        assertThat(failure.mayHaveApplied()).as("a refusal was not carried out").isEqualTo(status == 500);
    }

    @ParameterizedTest(name = "HTTP {0} is {1}")
    @CsvSource({"0, UNREACHABLE", "302, REFUSED", "400, REJECTED", "401, REFUSED", "403, REFUSED", "404, REJECTED",
            "409, REJECTED", "429, REJECTED", "500, SERVER_ERROR", "502, REFUSED", "503, REFUSED", "507, REFUSED"})
    void anAnswersKindFollowsFromItsStatus(int status, FailureKind kind) {
        ReplicaException failure = new ReplicaException("n1", status, "HTTP " + status, null);

        assertThat(failure.kind()).isEqualTo(kind);
        assertThat(failure.status()).isEqualTo(status);
        assertThat(failure.answeredDeliberately()).as("counts for the breaker as a healthy refusal")
                .isEqualTo(status >= 400 && status != 500);
    }

    @Test
    void aFenceIsNeitherTheClientsFaultNorApplied() {
        ReplicaException fenced = ReplicaException.fenced("n1", "stale-topology (newer: 3:n2)", null);

        assertThat(fenced.kind()).isEqualTo(FailureKind.FENCED);
        assertThat(fenced.isFenced()).isTrue();
        assertThat(fenced.status()).isEqualTo(409);
        assertThat(fenced.isClientError()).isFalse();
        assertThat(fenced.mayHaveApplied()).isFalse();
        assertThat(new ReplicaException("n1", 409, "HTTP 409 (too many siblings)", null).isFenced()).isFalse();
    }

    @Test
    void noAnswerMayHaveBeenAppliedOnlyIfTheRequestMayHaveLeft() {
        assertThat(new ReplicaException("n1", FailureKind.TIMEOUT, "timeout after 500 ms", null).mayHaveApplied())
                .isTrue();
        assertThat(new ReplicaException("n1", FailureKind.UNREADABLE, "unreadable answer", null).mayHaveApplied())
                .isTrue();
        assertThat(new ReplicaException("n1", FailureKind.UNKNOWN, "java.lang.IllegalStateException", null)
                .mayHaveApplied()).isTrue();
        for (FailureKind never : new FailureKind[] {FailureKind.UNREACHABLE, FailureKind.NOT_CALLED,
                FailureKind.BULKHEAD_FULL, FailureKind.CIRCUIT_OPEN}) {
            ReplicaException failure = new ReplicaException("n1", never, "not sent", null);
            assertThat(failure.mayHaveApplied()).as(never.name()).isFalse();
            assertThat(failure.status()).isZero();
            assertThat(failure.answeredDeliberately()).isFalse();
        }
    }

    /** The replica call metrics keep the outcome tags they had when failures were told apart by their messages. */
    @Test
    void everyFailureIsTaggedAsBefore() {
        assertThat(ReplicaClient.outcome(null)).isEqualTo("ok");
        assertThat(ReplicaClient.outcome(new IllegalStateException("a bug"))).isEqualTo("error");
        assertThat(tag(new ReplicaException("n1", FailureKind.CIRCUIT_OPEN, "circuit breaker open", null)))
                .isEqualTo("circuit_open");
        assertThat(tag(new ReplicaException("n1", FailureKind.BULKHEAD_FULL, "bulkhead full (32 calls)", null)))
                .isEqualTo("bulkhead_full");
        assertThat(tag(new ReplicaException("n1", 400, "HTTP 400", null))).isEqualTo("rejected");
        for (int status : new int[] {302, 401, 403, 500, 503, 507}) {
            assertThat(tag(new ReplicaException("n1", status, "HTTP " + status, null))).as("HTTP %d", status)
                    .isEqualTo("failed");
        }
        assertThat(tag(ReplicaException.fenced("n1", "topology-behind", null))).isEqualTo("failed");
        assertThat(tag(new ReplicaException("n1", FailureKind.UNREADABLE, "unreadable answer: x", null)))
                .isEqualTo("garbage");
        for (FailureKind silent : new FailureKind[] {FailureKind.UNREACHABLE, FailureKind.TIMEOUT,
                FailureKind.UNKNOWN}) {
            assertThat(tag(new ReplicaException("n1", silent, "no answer", new IOException()))).as(silent.name())
                    .isEqualTo("unreachable");
        }
    }

    private static String tag(ReplicaException failure) {
        String direct = ReplicaClient.outcome(failure);
        assertThat(ReplicaClient.outcome(new CompletionException(failure))).isEqualTo(direct);
        return direct;
    }
}
