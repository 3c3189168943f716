package dev.kv.node.security;

import dev.kv.node.NodeApplication;
import dev.kv.web.security.ProtectedMode;
import dev.kv.web.testsupport.Contexts;
import dev.kv.web.testsupport.TestCertificates;
import dev.kv.web.tls.MemberTls;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A node reachable from other hosts refuses to start without the cluster secret or member TLS, and starts with either;
 * member TLS without client certificates required is refused. Port -1: the
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
    void onEveryInterfaceWithMemberTlsAndNoSecretTheNodeStarts(@TempDir Path certificates) {
        try (ConfigurableApplicationContext node = start(memberTls(certificates, "--server.ssl.client-auth=need"))) {
            assertThat(node.isActive()).isTrue();
            assertThat(node.getBean(MemberTls.class).enabled()).isTrue();
        }
    }

    @Test
    void memberTlsWithoutRequiringClientCertificatesRefusesToStart(@TempDir Path certificates) {
        assertThatThrownBy(() -> start(memberTls(certificates, "--server.ssl.client-auth=want")).close())
                .rootCause().hasMessageContaining("set server.ssl.bundle=member and server.ssl.client-auth=need");
    }

    /** A node on every interface with member TLS from a bundle of a fresh CA, and {@code more}. */
    private static String[] memberTls(Path certificates, String... more) {
        TestCertificates ca = TestCertificates.ca(certificates, "cluster");
        Path store = ca.issue("CN=kv-node", "dns:localhost");
        List<String> arguments = new ArrayList<>(List.of("--server.address=0.0.0.0",
                "--kv.cluster.tls.bundle=member", "--server.ssl.bundle=member",
                "--spring.ssl.bundle.jks.member.keystore.location=file:" + store,
                "--spring.ssl.bundle.jks.member.keystore.password=" + TestCertificates.PASSWORD,
                "--spring.ssl.bundle.jks.member.keystore.type=PKCS12",
                "--spring.ssl.bundle.jks.member.truststore.location=file:" + ca.truststore(),
                "--spring.ssl.bundle.jks.member.truststore.password=" + TestCertificates.PASSWORD,
                "--spring.ssl.bundle.jks.member.truststore.type=PKCS12"));
        arguments.addAll(List.of(more));
        return arguments.toArray(String[]::new);
    }

    @Test
    void theSwitchLetsAnUnguardedNodeStart() {
        try (ConfigurableApplicationContext node = start("--server.address=0.0.0.0",
                "--kv.security.protected-mode=false")) {
            assertThat(node.isActive()).isTrue();
        }
    }
}
