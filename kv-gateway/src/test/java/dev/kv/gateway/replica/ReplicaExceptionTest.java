package dev.kv.gateway.replica;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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
}
