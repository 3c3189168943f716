package dev.kv.web.tls;

import dev.kv.web.testsupport.TestCertificates;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslStoreBundle;
import org.springframework.mock.web.MockHttpServletRequest;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Member TLS in real handshakes on loopback: the server side is what Tomcat does with the bundle (chain checked
 * against the CA, a client certificate required), the client side is {@link MemberTls#sslContext()}.
 */
class MemberTlsTest {

    private static final String LOOPBACK = "dns:localhost,ip:127.0.0.1";

    @TempDir
    static Path dir;

    private static TestCertificates cluster;
    private static TestCertificates other;
    private static Path node;
    private static Path gateway;
    private static Path renewedGateway;
    private static Path intruder;
    private static Path strangerNode;

    private SSLServerSocket server;

    @BeforeAll
    static void issue() {
        cluster = TestCertificates.ca(dir, "cluster");
        other = TestCertificates.ca(dir, "other");
        node = cluster.issue("CN=kv-node", LOOPBACK);
        gateway = cluster.issue("CN=kv-gateway", LOOPBACK);
        renewedGateway = cluster.issue("CN=kv-gateway", LOOPBACK);
        intruder = cluster.issue("CN=intruder", LOOPBACK);
        strangerNode = other.issue("CN=kv-node", LOOPBACK);
    }

    @AfterEach
    void close() throws IOException {
        if (server != null) {
            server.close();
        }
    }

    private static MemberTls member(Path store) {
        return MemberTls.of("member", cluster.bundle(store), AllowedIdentities.of(List.of("kv-node", "kv-gateway")));
    }

    /** A server as Tomcat runs one from {@code bundle}: client certificates required, checked against its trust. */
    private CompletableFuture<X509Certificate> serve(SslBundle bundle) throws IOException {
        SSLContext context = bundle.createSslContext();
        server = (SSLServerSocket) context.getServerSocketFactory().createServerSocket(0, 1,
                InetAddress.getLoopbackAddress());
        server.setNeedClientAuth(true);
        return CompletableFuture.supplyAsync(() -> {
            try (SSLSocket socket = (SSLSocket) server.accept()) {
                socket.setSoTimeout(10_000);
                socket.startHandshake();
                int request = socket.getInputStream().read();
                socket.getOutputStream().write(request + 1);
                return (X509Certificate) socket.getSession().getPeerCertificates()[0];
            } catch (IOException e) {
                return null;
            }
        });
    }

    /** One byte there and back over a new connection from {@code client}, which checks the host name as ours do. */
    private int exchange(MemberTls client) throws IOException {
        try (SSLSocket socket = (SSLSocket) client.sslContext().getSocketFactory().createSocket("localhost",
                server.getLocalPort())) {
            socket.setSSLParameters(MemberTls.verifyingHostName(socket.getSSLParameters()));
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(41);
            socket.getOutputStream().flush();
            return socket.getInputStream().read();
        }
    }

    @Test
    void membersOfOneCaWithAllowedIdentitiesTalk() throws Exception {
        CompletableFuture<X509Certificate> seen = serve(cluster.bundle(node));

        assertThat(exchange(member(gateway))).isEqualTo(42);
        assertThat(seen.get(10, TimeUnit.SECONDS).getSubjectX500Principal().getName()).isEqualTo("CN=kv-gateway");
    }

    @Test
    void aServerWhoseIdentityIsOutsideThePatternGetsNoRequest() throws Exception {
        CompletableFuture<X509Certificate> seen = serve(cluster.bundle(intruder));
        MemberTls client = member(gateway);

        assertThatThrownBy(() -> exchange(client)).isInstanceOf(SSLHandshakeException.class)
                .hasMessageContaining("not an allowed cluster member");
        assertThat(seen.get(10, TimeUnit.SECONDS)).as("the server never got its byte").isNull();
        assertThat(client.refusedServers()).isEqualTo(1);
    }

    @Test
    void aServerWithAnotherCasCertificateGetsNoRequest() throws Exception {
        CompletableFuture<X509Certificate> seen = serve(other.bundle(strangerNode));

        assertThatThrownBy(() -> exchange(member(gateway))).isInstanceOf(SSLHandshakeException.class);
        assertThat(seen.get(10, TimeUnit.SECONDS)).isNull();
    }

    @Test
    void aRenewedCertificateIsPresentedFromTheNextHandshakeOn() throws Exception {
        MemberTls client = member(gateway);
        CompletableFuture<X509Certificate> first = serve(cluster.bundle(node));
        exchange(client);
        BigInteger before = first.get(10, TimeUnit.SECONDS).getSerialNumber();
        server.close();

        client.load(cluster.bundle(renewedGateway));
        CompletableFuture<X509Certificate> second = serve(cluster.bundle(node));
        exchange(client);

        assertThat(before).isEqualTo(TestCertificates.certificate(gateway).getSerialNumber());
        assertThat(second.get(10, TimeUnit.SECONDS).getSerialNumber())
                .isEqualTo(TestCertificates.certificate(renewedGateway).getSerialNumber());
    }

    @Test
    void underMemberTlsOnlyHttpsMembersAreCalled() {
        MemberTls on = member(gateway);

        assertThat(on.scheme()).isEqualTo("https");
        assertThat(on.callable("https://kv-node-0.kv:7100")).isEqualTo("https://kv-node-0.kv:7100");
        assertThatThrownBy(() -> on.callable("http://kv-node-0.kv:7100")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("plain address");
        assertThat(MemberTls.off().callable("http://127.0.0.1:7101")).isEqualTo("http://127.0.0.1:7101");
        assertThat(MemberTls.off().scheme()).isEqualTo("http");
    }

    @Test
    void aRequestsMemberIdentityIsItsVerifiedCertificatesAllowedName() {
        MemberTls on = member(node);
        MockHttpServletRequest fromGateway = new MockHttpServletRequest();
        fromGateway.setAttribute(MemberTls.CERTIFICATES, new X509Certificate[] {TestCertificates.certificate(gateway)});
        MockHttpServletRequest fromIntruder = new MockHttpServletRequest();
        fromIntruder.setAttribute(MemberTls.CERTIFICATES,
                new X509Certificate[] {TestCertificates.certificate(intruder)});

        assertThat(on.memberIdentity(fromGateway)).isEqualTo("kv-gateway");
        assertThat(on.memberIdentity(fromIntruder)).isNull();
        assertThat(on.memberIdentity(new MockHttpServletRequest())).isNull();
        assertThat(MemberTls.off().memberIdentity(fromGateway)).isNull();
    }

    @Test
    void aBundleWithoutTheClusterCaAsItsTrustIsRefused() {
        SslBundle keyOnly = SslBundle.of(SslStoreBundle.of(
                cluster.bundle(node).getStores().getKeyStore(), TestCertificates.PASSWORD, null));

        assertThatThrownBy(() -> MemberTls.of("member", keyOnly, AllowedIdentities.any()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no trust store");
    }
}
