package dev.kv.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Comparator;
import javax.net.ssl.SSLSession;

import static dev.kv.it.TestSupport.expectStatus;
import static dev.kv.it.TestSupport.uniqueKey;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The public API over TLS, on real processes: the gateway serves HTTPS from a PKCS#12 store (a Spring SSL bundle with
 * {@code reload-on-update}), plain HTTP to its port stores nothing, the dashboard reads it over HTTPS trusting the
 * cluster's CA, and a renewed certificate is served to new connections without a restart.
 */
class TlsTest {

    private static Path certificates;
    private static TestTls tls;
    private static KvCluster cluster;

    @BeforeAll
    static void start() throws IOException {
        certificates = Files.createTempDirectory("kv-it-tls-");
        tls = TestTls.create(certificates);
        cluster = KvCluster.builder().withDashboard().gatewayTls(tls).start("TlsTest");
    }

    @AfterAll
    static void stop() throws IOException {
        if (cluster != null) {
            cluster.close();
        }
        try (var files = Files.walk(certificates)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    @Test
    void aValueRoundTripsOverHttps() {
        String key = uniqueKey("tls");
        expectStatus(cluster.gateway().write(key, "over tls"), 204);

        Reply read = expectStatus(cluster.gateway().read(key), 200);

        assertThat(read.text()).isEqualTo("over tls");
        assertThat(cluster.gateway().baseUri().getScheme()).isEqualTo("https");
    }

    @Test
    void plainHttpToTheTlsPortIsRefusedAndStoresNothing() throws IOException {
        String key = uniqueKey("plain");
        int port = cluster.gateway().baseUri().getPort();
        try (Socket plain = new Socket(InetAddress.getLoopbackAddress(), port)) {
            plain.setSoTimeout(10_000);
            plain.getOutputStream().write(("PUT /v1/kv/" + key + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Content-Length: 5\r\nConnection: close\r\n\r\nhello").getBytes(StandardCharsets.US_ASCII));
            String answer = new String(plain.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(answer).startsWith("HTTP/1.1 400");
        }
        assertThat(cluster.gateway().read(key).status()).isEqualTo(404);
    }

    @Test
    void theDashboardReadsTheGatewayOverHttpsTrustingTheClustersCa() {
        HttpResponse<String> view = send(HttpClient.newHttpClient(),
                cluster.dashboardUri().resolve("/api/cluster"));

        assertThat(view.statusCode()).as(view.body()).isEqualTo(200);
        assertThat(view.body()).contains("\"members\"").contains("\"n1\"");
    }

    @Test
    void aRenewedCertificateIsServedToNewConnectionsWithoutARestartAndWithoutOneFailedRequest() throws Exception {
        BigInteger before = servedSerial();
        assertThat(before).isEqualTo(tls.serverSerial());
        long pid = cluster.pids().get(cluster.nodes().size());
        // Connections opened before the renewal carry on; those opened after it get the renewed certificate.
        ReadWriteLoad load = ReadWriteLoad.start(cluster.gateway(), "renewal", 3, new String[0]);
        try (load) {
            load.awaitMoreOk(50);
            tls.renewServer();
            BigInteger renewed = tls.serverSerial();

            assertThat(renewed).isNotEqualTo(before);
            await("the gateway serving the renewed certificate").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(250)).until(() -> servedSerial().equals(renewed));
            load.awaitMoreOk(50);
        }

        assertThat(load.failures()).as("failed requests across the renewal (%s ok)", load.ok()).isEmpty();
        assertThat(cluster.pids().get(cluster.nodes().size())).as("the same gateway process").isEqualTo(pid);
    }

    /** The serial of the certificate the gateway presents to a new connection. */
    private static BigInteger servedSerial() {
        HttpClient fresh = HttpClient.newBuilder().sslContext(tls.clientContext()).build();
        HttpResponse<String> response = send(fresh, cluster.gateway().baseUri().resolve("/v1/cluster/ring"));
        SSLSession session = response.sslSession().orElseThrow();
        try {
            return ((X509Certificate) session.getPeerCertificates()[0]).getSerialNumber();
        } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
            throw new IllegalStateException(e);
        } finally {
            fresh.close();
        }
    }

    private static HttpResponse<String> send(HttpClient client, URI uri) {
        try {
            return client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
