package dev.kv.web.security;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class ProtectedModeTest {

    private static final String SETTINGS = "a cluster secret (kv.cluster.secret)";

    @ParameterizedTest(name = "server.address=''{0}''")
    @ValueSource(strings = {"", "0.0.0.0", "::", "192.0.2.10", "10.1.2.3"})
    void anUnguardedServiceReachableFromElsewhereRefusesToStartSayingWhatToSet(String address) {
        MockEnvironment environment = new MockEnvironment().withProperty("server.address", address);

        ProtectedMode.ProtectedModeException refusal = catchThrowableOfType(
                ProtectedMode.ProtectedModeException.class,
                () -> ProtectedMode.enforce(environment, "the node", false, SETTINGS));

        assertThat(refusal).isNotNull();
        assertThat(refusal.getMessage()).contains("the node", "without " + SETTINGS);
        assertThat(refusal.action()).contains("Set " + SETTINGS, "server.address=127.0.0.1",
                "kv.security.protected-mode=false");
        FailureAnalysis analysis = new ProtectedModeFailureAnalyzer().analyze(refusal);
        assertThat(analysis.getDescription()).isEqualTo(refusal.getMessage());
        assertThat(analysis.getAction()).isEqualTo(refusal.action());
    }

    @Test
    void withoutAnyAddressTheMessageSaysItWouldListenEverywhere() {
        ProtectedMode.ProtectedModeException refusal = catchThrowableOfType(
                ProtectedMode.ProtectedModeException.class,
                () -> ProtectedMode.enforce(new MockEnvironment(), "the gateway", false, SETTINGS));

        assertThat(refusal.getMessage()).contains("every interface (server.address is not set)");
    }

    @ParameterizedTest(name = "server.address=''{0}''")
    @ValueSource(strings = {"127.0.0.1", "127.0.0.2", "::1", "localhost"})
    void anUnguardedServiceOnLoopbackStarts(String address) {
        MockEnvironment environment = new MockEnvironment().withProperty("server.address", address);

        assertThatNoException().isThrownBy(() -> ProtectedMode.enforce(environment, "the node", false, SETTINGS));
    }

    @ParameterizedTest(name = "server.address=''{0}''")
    @ValueSource(strings = {"", "0.0.0.0", "192.0.2.10"})
    void aGuardedServiceStartsAnywhere(String address) {
        MockEnvironment environment = new MockEnvironment().withProperty("server.address", address);

        assertThatNoException().isThrownBy(() -> ProtectedMode.enforce(environment, "the node", true, SETTINGS));
    }

    @Test
    void theSwitchLetsAnUnguardedServiceStartForAnExperiment() {
        MockEnvironment environment = new MockEnvironment().withProperty("server.address", "0.0.0.0")
                .withProperty(ProtectedMode.SWITCH, "false");

        assertThatNoException().isThrownBy(() -> ProtectedMode.enforce(environment, "the node", false, SETTINGS));
    }
}
