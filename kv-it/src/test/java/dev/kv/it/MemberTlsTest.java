package dev.kv.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

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
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

import static dev.kv.it.TestSupport.expectStatus;
import static dev.kv.it.TestSupport.uniqueKey;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Mutual TLS among members, on real processes: nodes serve https and ask every client for a certificate from the
 * cluster CA; nodes, the gateway and the dashboard present theirs and admit only the identities in the allowed pattern
 * ({@code kv-node-*}, {@code kv-gateway}, {@code kv-admin}). A node with another CA's certificate, or with one of the
 * cluster's CA for an identity outside the pattern, is kept out even though it holds the cluster secret: it never
 * becomes a member and no member sends it anything. Certificates renewed in place are used without a restart, under
 * load, without one failed request.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MemberTlsTest {

    private static final String ALLOWED = "kv-node-*,kv-gateway,kv-admin";

    private static Path certificates;
    private static TestTls tls;
    private static TestTls otherCa;
    private static KvCluster cluster;

    @BeforeAll
    static void start() throws IOException {
        certificates = Files.createTempDirectory("kv-it-member-tls-");
        tls = TestTls.create(Files.createDirectories(certificates.resolve("cluster")));
        otherCa = TestTls.create(Files.createDirectories(certificates.resolve("other")));
        cluster = KvCluster.builder().withDashboard().memberTls(tls, ALLOWED).start("MemberTlsTest");
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
    void valuesRoundTripWhileEveryMemberSpeaksHttpsToTheOthers() {
        String key = uniqueKey("mtls");
        expectStatus(cluster.gateway().write(key, "between members over tls", "w=3"), 204);

        Reply read = expectStatus(cluster.gateway().read(key, "r=3"), 200);

        assertThat(read.text()).isEqualTo("between members over tls");
        String gossiped = cluster.node(0).clusterView().toString();
        assertThat(gossiped).doesNotContain("http://");
        for (KvNode node : cluster.nodes()) {
            assertThat(gossiped).contains("https://127.0.0.1:" + node.baseUri().getPort());
            assertThat(node.baseUri().getScheme()).isEqualTo("https");
            assertThat(node.info().get("keys").asLong()).as("keys on %s", node.id()).isPositive();
        }
    }

    @Test
    void theDashboardReadsTheNodesAsAMember() {
        HttpResponse<String> view = send(HttpClient.newHttpClient(), cluster.dashboardUri().resolve("/api/cluster"),
                Map.of());

        assertThat(view.statusCode()).as(view.body()).isEqualTo(200);
        JsonNode members = JsonMapper.builder().build().readTree(view.body()).get("members");
        assertThat(members.size()).isEqualTo(3);
        // Each member's hints come from the node itself, over member TLS.
        members.valueStream().forEach(member -> assertThat(member.get("hints").has("pending"))
                .as(member.toString()).isTrue());
    }

    @Test
    void plainHttpToANodeIsRefusedAndStoresNothing() throws IOException {
        KvNode node = cluster.node(0);
        try (Socket plain = new Socket(InetAddress.getLoopbackAddress(), node.baseUri().getPort())) {
            plain.setSoTimeout(10_000);
            plain.getOutputStream().write(("GET /internal/v1/info HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "X-KV-Cluster-Secret: " + cluster.clusterSecret() + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String answer = new String(plain.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(answer).startsWith("HTTP/1.1 400").doesNotContain("\"nodeId\"");
        }
    }

    @Test
    void aClientWithoutAMembersCertificateCannotEvenConnect() {
        URI info = cluster.node(0).baseUri().resolve("/internal/v1/info");
        otherCa.issueMember("stranger", "kv-node-n9");

        // Trusting the cluster's CA, but presenting no certificate; then one from another CA.
        for (SSLContext context : List.of(tls.clientContext(), otherCa.memberContext("stranger"))) {
            HttpClient client = HttpClient.newBuilder().sslContext(context).build();
            assertThatThrownBy(() -> client.send(HttpRequest.newBuilder(info).timeout(Duration.ofSeconds(10))
                    .header("X-KV-Cluster-Secret", cluster.clusterSecret()).GET().build(),
                    HttpResponse.BodyHandlers.ofString())).isInstanceOf(IOException.class);
            client.close();
        }
    }

    @Test
    void aCertificateFromTheClustersCaForAnIdentityOutsideThePatternIsRefusedWhateverElseItHolds() {
        tls.issueMember("intruder-client", "intruder");
        double before = cluster.node(0).metric("kv_auth_refusals_total", "credential=\"certificate\"");
        HttpClient client = HttpClient.newBuilder().sslContext(tls.memberContext("intruder-client")).build();

        HttpResponse<String> answer = send(client, cluster.node(0).baseUri().resolve("/internal/v1/info"),
                Map.of("X-KV-Cluster-Secret", cluster.clusterSecret()));

        assertThat(answer.statusCode()).isEqualTo(403);
        assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(answer.body()).doesNotContain("\"nodeId\"");
        assertThat(cluster.node(0).metric("kv_auth_refusals_total", "credential=\"certificate\""))
                .isEqualTo(before + 1);
        client.close();
    }

    @Test
    void nodesWithoutAMembersCertificateNeverJoinAndNeverReceiveTraffic() throws IOException {
        otherCa.issueMember("r1", "kv-node-r1");
        tls.issueMember("r2", "intruder-r2");
        // Both hold the cluster secret and the cluster's seeds: only their certificates keep them out.
        KvNode otherCaNode = cluster.addNode("r1", otherCa.memberArguments("r1", ALLOWED, true));
        KvNode intruder = cluster.addNode("r2", tls.memberArguments("r2", ALLOWED, true));
        try {
            await("both outsiders gossiping with the seeds").atMost(Duration.ofSeconds(60))
                    .until(() -> gossiping(otherCaNode) && gossiping(intruder));
            await("a seed refusing the intruder's gossip").atMost(Duration.ofSeconds(30)).until(() -> cluster
                    .node("n1").metric("kv_auth_refusals_total", "credential=\"certificate\"") > 0);

            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                for (KvNode member : List.of(cluster.node("n1"), cluster.node("n2"), cluster.node("n3"))) {
                    assertThat(member.clusterView().toString()).as("%s's membership", member.id())
                            .doesNotContain("\"r1\"").doesNotContain("\"r2\"");
                }
                assertThat(cluster.gateway().cluster().get("members").size()).isEqualTo(3);
            });
            assertThat(requestsServed(intruder)).as("requests the intruder received").isZero();
            assertThat(requestsServed(otherCaNode)).as("requests the other CA's node received").isZero();
            // Each outsider says why it cannot join.
            assertThat(intruder.logText())
                    .contains("do not accept each other as members: HTTP 403");
            assertThat(otherCaNode.logText())
                    .contains("do not accept each other as members: TLS handshake failed");
        } finally {
            cluster.discard(otherCaNode);
            cluster.discard(intruder);
        }
    }

    @Test
    void renewedMemberCertificatesAreUsedLiveUnderLoadWithoutOneFailedRequest() throws Exception {
        Map<String, Double> loadedBefore = new java.util.HashMap<>();
        for (KvNode node : cluster.nodes()) {
            loadedBefore.put(node.id(), loaded(node.process()));
        }
        Map<String, BigInteger> renewed = new java.util.HashMap<>();
        // w=3 and r=3: a replica call refused anywhere fails a request.
        ReadWriteLoad load = ReadWriteLoad.start(cluster.gateway(), "renewal", 3, new String[] {"w=3"}, "r=3");
        try (load) {
            load.awaitMoreOk(50);
            for (KvNode node : cluster.nodes()) {
                BigInteger before = tls.memberSerial(node.id());
                tls.issueMember(node.id(), "kv-node-" + node.id());
                renewed.put(node.id(), tls.memberSerial(node.id()));
                assertThat(renewed.get(node.id())).isNotEqualTo(before);
            }
            tls.issueMember("gateway", "kv-gateway");

            for (KvNode node : cluster.nodes()) {
                await(node.id() + " serving its renewed certificate").atMost(Duration.ofSeconds(30))
                        .pollInterval(Duration.ofMillis(250))
                        .until(() -> servedSerial(node).equals(renewed.get(node.id())));
                await(node.id() + " presenting its renewed certificate as a client").atMost(Duration.ofSeconds(30))
                        .until(() -> loaded(node.process()) > loadedBefore.get(node.id()));
            }
            load.awaitMoreOk(50);
        }

        assertThat(load.failures()).as("failed requests across the renewal (%s ok)", load.ok()).isEmpty();
        cluster.awaitGatewaySeesAllNodesUp();
    }

    /**
     * The cluster's CA replaced under load as the README says: trust the new CA beside the old, then issue every
     * member's certificate from the new one, then trust only the new one. Last, because afterwards the harness's own
     * client (an old certificate) is no member any more.
     */
    @Test
    @Order(Integer.MAX_VALUE)
    void theClusterCaIsReplacedUnderLoadWithoutOneFailedRequest() throws Exception {
        SSLContext oldMember = tls.memberContext("harness");
        List<KvProcess> processes = new java.util.ArrayList<>(cluster.serviceProcesses());
        cluster.nodes().forEach(node -> processes.add(node.process()));
        ReadWriteLoad load = ReadWriteLoad.start(cluster.gateway(), "ca-rotation", 3, new String[] {"w=3"}, "r=3");
        try (load) {
            load.awaitMoreOk(50);
            awaitReloads(processes, tls::trustNextCa);
            load.awaitMoreOk(50);

            awaitReloads(processes, () -> {
                tls.signWithNextCa();
                cluster.nodes().forEach(node -> tls.issueMember(node.id(), "kv-node-" + node.id()));
                tls.issueMember("gateway", "kv-gateway");
                tls.issueMember("dashboard", "kv-admin");
                tls.issueMember("harness", "kv-admin");
            });
            for (KvNode node : cluster.nodes()) {
                assertThat(served(node, tls.memberContext("harness")).getIssuerX500Principal().getName())
                        .as("the issuer of %s's certificate", node.id()).isEqualTo("CN=kv-test-ca-2");
            }
            load.awaitMoreOk(50);

            awaitReloads(processes, tls::distrustOldCa);
            load.awaitMoreOk(50);
        }

        assertThat(load.failures()).as("failed requests across the CA rotation (%s ok)", load.ok()).isEmpty();
        assertThatThrownBy(() -> served(cluster.node(0), oldMember)).as("a member certificate of the old CA")
                .isInstanceOf(IOException.class);
    }

    /** Runs {@code change} and waits until every process has loaded its member bundle again. */
    private static void awaitReloads(List<KvProcess> processes, Runnable change) {
        Map<KvProcess, Double> before = new java.util.HashMap<>();
        processes.forEach(process -> before.put(process, loaded(process)));
        change.run();
        for (KvProcess process : processes) {
            await(process.name() + " reloading its member bundle").atMost(Duration.ofSeconds(30))
                    .until(() -> loaded(process) > before.get(process));
        }
    }

    /** The serial of the certificate {@code node} presents to a new connection (a member's, the harness's). */
    private static BigInteger servedSerial(KvNode node) throws IOException {
        return served(node, tls.memberContext("harness")).getSerialNumber();
    }

    /** The certificate {@code node} presents to a new connection made with {@code client}. */
    private static X509Certificate served(KvNode node, SSLContext client) throws IOException {
        try (SSLSocket socket = (SSLSocket) client.getSocketFactory()
                .createSocket("127.0.0.1", node.baseUri().getPort())) {
            socket.setSoTimeout(10_000);
            socket.startHandshake();
            return (X509Certificate) socket.getSession().getPeerCertificates()[0];
        }
    }

    /** {@code kv_member_tls_loaded_seconds} of a process, read on its plain management port. */
    private static double loaded(KvProcess process) {
        return prometheus(process, "kv_member_tls_loaded_seconds");
    }

    /** Whether {@code node} has started gossiping (its log says so). */
    private static boolean gossiping(KvNode node) {
        return node.logText().contains("gossip: node " + node.id() + " at");
    }

    /** Requests {@code node}'s data port answered, of any kind. */
    private static double requestsServed(KvNode node) {
        return prometheus(node.process(), "http_server_requests_seconds_count");
    }

    private static double prometheus(KvProcess process, String name, String... labels) {
        HttpResponse<String> response = send(HttpClient.newHttpClient(),
                process.managementUri().resolve("actuator/prometheus"), Map.of());
        assertThat(response.statusCode()).isEqualTo(200);
        double sum = 0;
        for (String line : response.body().split("\n")) {
            if (line.startsWith(name) && java.util.Arrays.stream(labels).allMatch(line::contains)) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    private static HttpResponse<String> send(HttpClient client, URI uri, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET();
        headers.forEach(request::header);
        try {
            return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
