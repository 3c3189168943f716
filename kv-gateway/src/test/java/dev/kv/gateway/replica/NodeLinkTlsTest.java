package dev.kv.gateway.replica;

import dev.kv.web.testsupport.TestCertificates;
import dev.kv.web.tls.AllowedIdentities;
import dev.kv.web.tls.MemberTls;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.ssl.SslBundle;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The batch connections under member TLS, against a TLS server that asks for the client's certificate as a node's
 * Tomcat does: an exchange over a kept connection; a node that cannot prove it is a member (identity outside the
 * pattern, another CA, a certificate for another host) fails the handshake as a refused connection, before a byte of
 * the request (or the secret in it) is sent; a large request the node stops reading ends at the deadline.
 */
class NodeLinkTlsTest {

    private static final String LOOPBACK = "ip:127.0.0.1,dns:localhost";

    @TempDir
    static Path dir;

    private static TestCertificates cluster;
    private static TestCertificates other;
    private static Path node;
    private static Path gateway;
    private static Path intruder;
    private static Path elsewhere;
    private static Path strangerNode;

    private final ScheduledThreadPoolExecutor watchdog = new ScheduledThreadPoolExecutor(1);
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger connections = new AtomicInteger();
    private final CountDownLatch release = new CountDownLatch(1);
    private volatile boolean reading = true;
    private SSLServerSocket server;
    private NodeLink link;

    @BeforeAll
    static void issue() {
        cluster = TestCertificates.ca(dir, "cluster");
        other = TestCertificates.ca(dir, "other");
        node = cluster.issue("CN=kv-node", LOOPBACK);
        gateway = cluster.issue("CN=kv-gateway", LOOPBACK);
        intruder = cluster.issue("CN=intruder", LOOPBACK);
        elsewhere = cluster.issue("CN=kv-node", "dns:kv-node-7.example");
        strangerNode = other.issue("CN=kv-node", LOOPBACK);
    }

    @AfterEach
    void stop() throws IOException {
        release.countDown();
        if (link != null) {
            link.close();
        }
        if (server != null) {
            server.close();
        }
        watchdog.shutdownNow();
    }

    /** A node's port serving {@code bundle}, answering each request with its own body. */
    private void serve(SslBundle bundle) throws IOException {
        server = (SSLServerSocket) bundle.createSslContext().getServerSocketFactory().createServerSocket(0, 50,
                InetAddress.getLoopbackAddress());
        server.setNeedClientAuth(true);
        Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try {
                    SSLSocket socket = (SSLSocket) server.accept();
                    connections.incrementAndGet();
                    Thread.ofVirtual().start(() -> answer(socket));
                } catch (IOException e) {
                    return;
                }
            }
        });
        MemberTls tls = MemberTls.of("member", cluster.bundle(gateway),
                AllowedIdentities.of(List.of("kv-node", "kv-gateway")));
        link = new NodeLink(URI.create("https://127.0.0.1:" + server.getLocalPort() + "/internal/v1/batch"),
                tls.sslContext(), () -> "s3cret", watchdog);
    }

    private void answer(SSLSocket socket) {
        try (socket; InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream()) {
            while (true) {
                String head = head(in);
                if (head == null) {
                    return;
                }
                requests.incrementAndGet();
                if (!reading) {
                    release.await(30, TimeUnit.SECONDS);
                    return;
                }
                int length = Integer.parseInt(head.replaceAll("(?s).*Content-Length: (\\d+).*", "$1"));
                byte[] body = in.readNBytes(length);
                out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + length + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.flush();
            }
        } catch (IOException e) {
            // the handshake failed, or the client closed the connection
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String head(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            head.write(b);
            if (head.size() >= 4 && head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
                return head.toString(StandardCharsets.US_ASCII);
            }
        }
        return null;
    }

    private static long inSeconds(int seconds) {
        return System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    }

    @Test
    void batchesGoOverOneKeptTlsConnectionToAMember() throws IOException {
        serve(cluster.bundle(node));

        NodeLink.Answer first = link.post("one".getBytes(StandardCharsets.US_ASCII), inSeconds(10));
        NodeLink.Answer second = link.post("two".getBytes(StandardCharsets.US_ASCII), inSeconds(10));

        assertThat(first.status()).isEqualTo(200);
        assertThat(new String(second.body(), StandardCharsets.US_ASCII)).isEqualTo("two");
        assertThat(connections.get()).isEqualTo(1);
    }

    @Test
    void aNodeWhoseIdentityIsNotAMembersGetsNothing() throws IOException {
        serve(cluster.bundle(intruder));

        assertThatThrownBy(() -> link.post(new byte[8], inSeconds(10))).isInstanceOf(ConnectException.class)
                .hasMessageContaining("TLS handshake").hasMessageContaining("not an allowed cluster member");
        assertThat(requests.get()).isZero();
    }

    @Test
    void aNodeWithAnotherCasCertificateGetsNothing() throws IOException {
        serve(other.bundle(strangerNode));

        assertThatThrownBy(() -> link.post(new byte[8], inSeconds(10))).isInstanceOf(ConnectException.class);
        assertThat(requests.get()).isZero();
    }

    @Test
    void aMembersCertificateForAnotherHostGetsNothing() throws IOException {
        serve(cluster.bundle(elsewhere));

        assertThatThrownBy(() -> link.post(new byte[8], inSeconds(10))).isInstanceOf(ConnectException.class)
                .hasMessageContaining("TLS handshake");
        assertThat(requests.get()).isZero();
    }

    @Test
    void aLargeRequestTheNodeStopsReadingEndsAtTheDeadline() throws IOException {
        serve(cluster.bundle(node));
        reading = false;
        long started = System.nanoTime();

        assertThatThrownBy(() -> link.post(new byte[64 * 1024 * 1024], System.nanoTime()
                + TimeUnit.MILLISECONDS.toNanos(500))).isInstanceOf(SocketTimeoutException.class);
        assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started)).isLessThan(10);
    }
}
