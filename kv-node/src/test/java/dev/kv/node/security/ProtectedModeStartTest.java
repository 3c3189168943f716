package dev.kv.node.security;

import dev.kv.node.NodeApplication;
import dev.kv.web.security.ProtectedMode;
import dev.kv.web.testsupport.Contexts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A node reachable from other hosts refuses to start without the cluster secret, and starts with it. Port -1: the
 * context is built in full but nothing listens, so no test binds to anything but loopback.
 */
class ProtectedModeStartTest {

    @TempDir
    Path data;

    private ConfigurableApplicationContext start(String... arguments) {
        return Contexts.startWithoutListening(NodeApplication.class, List.of("--kv.node.data-dir=" + data,
                "--kv.antientropy.enabled=false", "--kv.gossip.advertise-address=http://127.0.0.1:1",
                "--kv.gossip.seeds=127.0.0.1:1"), arguments);
    }

    @Test
    void onEveryInterfaceWithoutTheSecretTheNodeRefusesToStart() {
        assertThatThrownBy(() -> start("--server.address=0.0.0.0").close())
                .hasRootCauseInstanceOf(ProtectedMode.ProtectedModeException.class)
                .rootCause().hasMessageContaining("the node would listen on 0.0.0.0 without a cluster secret");
    }

    @Test
    void onEveryInterfaceWithTheSecretTheNodeStarts() {
        try (ConfigurableApplicationContext node = start("--server.address=0.0.0.0", "--kv.cluster.secret=s3cret")) {
            assertThat(node.isActive()).isTrue();
        }
    }

    @Test
    void theSwitchLetsAnUnguardedNodeStart() {
        try (ConfigurableApplicationContext node = start("--server.address=0.0.0.0",
                "--kv.security.protected-mode=false")) {
            assertThat(node.isActive()).isTrue();
        }
    }
}
