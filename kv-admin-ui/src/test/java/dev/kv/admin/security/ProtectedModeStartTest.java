package dev.kv.admin.security;

import dev.kv.admin.AdminApplication;
import dev.kv.web.security.ProtectedMode;
import dev.kv.web.testsupport.Contexts;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The dashboard reachable from other hosts refuses to start without its login, and starts with it. Port -1: the
 * context is built in full but nothing listens, so no test binds to anything but loopback.
 */
class ProtectedModeStartTest {

    private ConfigurableApplicationContext start(String... arguments) {
        return Contexts.startWithoutListening(AdminApplication.class,
                List.of("--kv.admin.gateway-url=http://127.0.0.1:1"), arguments);
    }

    @Test
    void onEveryInterfaceWithoutALoginTheDashboardRefusesToStart() {
        assertThatThrownBy(() -> start("--server.address=0.0.0.0", "--kv.cluster.secret=s3cret").close())
                .hasRootCauseInstanceOf(ProtectedMode.ProtectedModeException.class)
                .rootCause().hasMessageContaining("the dashboard would listen on 0.0.0.0 without a login");
    }

    @Test
    void onEveryInterfaceWithALoginTheDashboardStarts() {
        try (ConfigurableApplicationContext dashboard = start("--server.address=0.0.0.0",
                "--kv.admin.username=ops", "--kv.admin.password=correct horse")) {
            assertThat(dashboard.isActive()).isTrue();
        }
    }

    @Test
    void theSwitchLetsAnUnguardedDashboardStart() {
        try (ConfigurableApplicationContext dashboard = start("--server.address=0.0.0.0",
                "--kv.security.protected-mode=false")) {
            assertThat(dashboard.isActive()).isTrue();
        }
    }
}
