package dev.kv.gateway.security;

import dev.kv.gateway.GatewayApplication;
import dev.kv.web.security.ProtectedMode;
import dev.kv.web.testsupport.Contexts;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A gateway reachable from other hosts refuses to start without the cluster secret, and starts with it. Port -1: the
 * context is built in full but nothing listens, so no test binds to anything but loopback.
 */
class ProtectedModeStartTest {

    private ConfigurableApplicationContext start(String... arguments) {
        return Contexts.startWithoutListening(GatewayApplication.class, List.of("--kv.gateway.seeds=127.0.0.1:1"),
                arguments);
    }

    @Test
    void onEveryInterfaceWithoutTheSecretTheGatewayRefusesToStart() {
        assertThatThrownBy(() -> start("--server.address=0.0.0.0").close())
                .hasRootCauseInstanceOf(ProtectedMode.ProtectedModeException.class)
                .rootCause().hasMessageContaining("the gateway would listen on 0.0.0.0 without a cluster secret");
    }

    @Test
    void onEveryInterfaceWithTheSecretTheGatewayStarts() {
        try (ConfigurableApplicationContext gateway = start("--server.address=0.0.0.0", "--kv.cluster.secret=s3cret")) {
            assertThat(gateway.isActive()).isTrue();
        }
    }

    @Test
    void theSwitchLetsAnUnguardedGatewayStart() {
        try (ConfigurableApplicationContext gateway = start("--server.address=0.0.0.0",
                "--kv.security.protected-mode=false")) {
            assertThat(gateway.isActive()).isTrue();
        }
    }
}
