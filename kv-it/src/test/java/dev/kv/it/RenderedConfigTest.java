package dev.kv.it;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static dev.kv.it.HelmChart.NAMESPACE;
import static dev.kv.it.HelmChart.objects;
import static dev.kv.it.HelmChart.one;
import static dev.kv.it.HelmChart.render;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The configuration the chart gives the containers is the configuration the services read: two nodes, a gateway and
 * the dashboard started with exactly the rendered environment (the pod's name and namespace filled in as Kubernetes
 * would, and only the pod DNS names, the gateway Service's name, bind addresses, ports and data directory moved to
 * loopback: each process gets free ports of its own, data and management, since they share one machine) and the
 * rendered Secret volume (each pod's own, laid out and updated the way the kubelet does, see
 * {@link ClusterSecretVolume}) form a cluster and serve a write and a read. Every rendered probe answers on the port it
 * names, and the data ports serve no Actuator; the limits set through the values are those the services apply. Then
 * the cluster secret is rotated the way the chart's README says, by three edits of the Secret and no restart, and the
 * cluster serves on with the new value only. With memberTls the same pods, each with its member certificate where its
 * rendered volume puts it, form the cluster over mutual TLS.
 */
class RenderedConfigTest {

    private static final String SECRET = "rendered-config-test-secret";
    private static final Pattern POD_DNS = Pattern.compile(
            "kv-node-(\\d+)\\.kv-node-headless\\." + NAMESPACE + "\\.svc\\.cluster\\.local:7101");
    private static final Pattern REFERENCE = Pattern.compile("\\$\\((\\w+)\\)");
    private static final String GATEWAY_SERVICE = "http://kv-gateway:8080";
    /** Where the chart mounts a member's certificate (memberTls). */
    private static final String MEMBER_TLS = "/etc/kv/member-tls";
    /** The limits set through the values. */
    private static final String BODY_BUDGET = "16MB";
    private static final int RATE_PER_CLIENT = 100;
    private static final String ADMIN_HOST = "kv-admin.example.test";
    /** A Host header as the kubelet or Prometheus sends it: the pod's address and the port. */
    private static final String POD_ADDRESS = "10.244.1.17";
    /** What the Secret's keys other than the cluster secret (the dashboard's login) hold here. */
    private static final String ADMIN_VALUE = "admin-value";
    /** The Accept header of Prometheus' scrapes. */
    private static final String PROMETHEUS_ACCEPT = "application/openmetrics-text;version=1.0.0;q=0.5,"
            + "text/plain;version=0.0.4;q=0.4,*/*;q=0.1";

    private final List<KvProcess> processes = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stop() {
        processes.forEach(KvProcess::requestStop);
        processes.forEach(KvProcess::awaitStopped);
        http.close();
    }

    /** The ports of a pod outside Kubernetes: its data port and its management port, both free ports on loopback. */
    private record Ports(int data, int management) {
    }

    /**
     * The container's environment as its pod would see it, then moved to loopback; KV_CLUSTER_SECRET_FILE names the
     * file of {@code secret}, the pod's Secret volume, and a {@code file:} value under a mount path of {@code mounts}
     * the same file in the directory standing in for that volume.
     */
    private static Map<String, String> environment(Container container, String podName, List<Integer> nodePorts,
                                                   int gatewayPort, Ports ports, Path dataDir,
                                                   ClusterSecretVolume secret, Map<String, Path> mounts) {
        Map<String, String> env = new LinkedHashMap<>();
        for (EnvVar variable : container.getEnv()) {
            String value;
            if (variable.getValueFrom() == null) {
                value = variable.getValue() == null ? "" : variable.getValue();
            } else if (variable.getValueFrom().getFieldRef() != null) {
                value = switch (variable.getValueFrom().getFieldRef().getFieldPath()) {
                    case "metadata.name" -> podName;
                    case "metadata.namespace" -> NAMESPACE;
                    default -> throw new AssertionError("unexpected fieldRef " + variable);
                };
            } else if (variable.getValueFrom().getSecretKeyRef() != null) {
                if (variable.getValueFrom().getSecretKeyRef().getKey().equals(ClusterSecretVolume.KEY)) {
                    throw new AssertionError("the cluster secret reaches " + container.getName()
                            + " through its environment: " + variable);
                }
                value = ADMIN_VALUE;
            } else {
                throw new AssertionError("unexpected valueFrom " + variable);
            }
            // Kubernetes expands $(NAME) from variables defined before this one.
            Matcher reference = REFERENCE.matcher(value);
            StringBuilder expanded = new StringBuilder();
            while (reference.find()) {
                reference.appendReplacement(expanded, Matcher.quoteReplacement(
                        env.getOrDefault(reference.group(1), reference.group())));
            }
            reference.appendTail(expanded);
            Matcher dns = POD_DNS.matcher(expanded);
            String local = dns.replaceAll(m -> "127.0.0.1:" + nodePorts.get(Integer.parseInt(m.group(1))))
                    .replace(GATEWAY_SERVICE, "http://127.0.0.1:" + gatewayPort);
            for (Map.Entry<String, Path> mount : mounts.entrySet()) {
                if (local.startsWith("file:" + mount.getKey() + "/")) {
                    local = "file:" + mount.getValue().resolve(local.substring(mount.getKey().length() + 6));
                }
            }
            env.put(variable.getName(), local);
        }
        assertThat(env).containsKey("KV_CLUSTER_SECRET_FILE").doesNotContainKey("KV_CLUSTER_SECRET");
        // Actuator on the container port named management, on every interface of the pod.
        assertThat(env).containsEntry("MANAGEMENT_SERVER_ADDRESS", "0.0.0.0")
                .containsEntry("MANAGEMENT_SERVER_PORT", Integer.toString(containerPort(container, "management")))
                .containsEntry("SERVER_PORT", Integer.toString(containerPort(container, dataPort(container))));
        env.put("KV_CLUSTER_SECRET_FILE", secret.file().toString());
        env.put("SERVER_ADDRESS", "127.0.0.1");
        env.put("SERVER_PORT", Integer.toString(ports.data()));
        // Several processes share this machine: a free management port of each one's own, on loopback only.
        env.put("MANAGEMENT_SERVER_ADDRESS", "127.0.0.1");
        env.put("MANAGEMENT_SERVER_PORT", Integer.toString(ports.management()));
        if (dataDir != null) {
            env.put("KV_NODE_DATADIR", dataDir.toString());
        }
        return env;
    }

    /** The name of the container's data port: http, or https where it serves TLS only. */
    private static String dataPort(Container container) {
        List<String> names = container.getPorts().stream().map(p -> p.getName())
                .filter(name -> !name.equals("management")).toList();
        assertThat(names).as("data ports of %s", container.getName()).singleElement().isIn("http", "https");
        return names.getFirst();
    }

    private static int containerPort(Container container, String name) {
        return container.getPorts().stream().filter(p -> name.equals(p.getName())).findFirst()
                .orElseThrow(() -> new AssertionError("no container port named " + name + " on " + container.getName()))
                .getContainerPort();
    }

    private KvProcess start(String name, String jarProperty, int port, Map<String, String> env, Path logs) {
        KvProcess process = new KvProcess(name, Path.of(System.getProperty(jarProperty)), port, List.of(), env,
                logs.resolve(name + ".log"), http);
        processes.add(process);
        process.launch();
        return process;
    }

    /**
     * A pod of the chart outside Kubernetes: its container as rendered, its ports here, its Secret volume and the
     * process started with its environment.
     */
    private record Pod(Container container, Ports ports, ClusterSecretVolume secret, KvProcess process) {

        /** The port here of the container port a probe or Service names. */
        int local(String portName) {
            return switch (portName) {
                case "http", "https" -> ports.data();
                case "management" -> ports.management();
                default -> throw new AssertionError("a port named " + portName + " on " + container.getName());
            };
        }
    }

    private Pod startPod(PodSpec spec, String name, String jarProperty, List<Integer> nodePorts, int gatewayPort,
                         Ports ports, Path root, Path dataDir, Path logs) {
        return startPod(spec, name, jarProperty, nodePorts, gatewayPort, ports, root, dataDir, logs, Map.of());
    }

    /** {@code mounts}: the directories standing in for the pod's other volumes, by mount path. */
    private Pod startPod(PodSpec spec, String name, String jarProperty, List<Integer> nodePorts, int gatewayPort,
                         Ports ports, Path root, Path dataDir, Path logs, Map<String, Path> mounts) {
        Container container = spec.getContainers().getFirst();
        ClusterSecretVolume secret = ClusterSecretVolume.of(spec, container, "kv-secret",
                root.resolve("volumes").resolve(name));
        secret.write(SECRET);
        Map<String, String> env = environment(container, name, nodePorts, gatewayPort, ports, dataDir, secret,
                mounts);
        KvProcess process = start(name, jarProperty, ports.data(), env, logs);
        assertThat(process.managementUri().getPort()).isEqualTo(ports.management());
        return new Pod(container, ports, secret, process);
    }

    /** Data and management ports for the four pods: the two nodes, the gateway, the dashboard. */
    private static List<Ports> fourPodsPorts() throws IOException {
        List<Integer> free = freePorts(8);
        return List.of(new Ports(free.get(0), free.get(4)), new Ports(free.get(1), free.get(5)),
                new Ports(free.get(2), free.get(6)), new Ports(free.get(3), free.get(7)));
    }

    private static Path logDirectory() throws IOException {
        return Files.createDirectories(Path.of(System.getProperty("basedir", "."), "target", "cluster-logs",
                "RenderedConfigTest"));
    }

    private static List<Integer> freePorts(int count) throws IOException {
        // All open at once, so that no two are the same.
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                sockets.add(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
            }
            return sockets.stream().map(ServerSocket::getLocalPort).toList();
        } finally {
            for (ServerSocket socket : sockets) {
                socket.close();
            }
        }
    }

    /** A status and body of a plain HTTP/1.1 GET on loopback with this Host header (HttpClient would not send it). */
    private record Answer(int status, String head, String body) {
    }

    private static Answer get(int port, String path, String host) {
        return get(port, path, host, "*/*", "");
    }

    /** {@code headers}: more header lines, each ending with CRLF. */
    private static Answer get(int port, String path, String host, String accept, String headers) {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + host
                    + "\r\nAccept: " + accept + "\r\n" + headers + "Connection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int end = answer.indexOf("\r\n\r\n");
            assertThat(end).as("an HTTP answer from port %d: %s", port, answer).isPositive();
            String head = answer.substring(0, end);
            return new Answer(Integer.parseInt(head.split(" ", 3)[1]), head, answer.substring(end + 4));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A GET on the pod's data port, with the dashboard's login on the dashboard (which answers any path it does not
     * serve with 401 to a caller without it).
     */
    private static Answer onTheDataPort(Pod pod, String path) {
        String login = pod.container().getEnv().stream().anyMatch(v -> v.getName().equals("KV_ADMIN_USERNAME"))
                ? "Authorization: Basic " + Base64.getEncoder().encodeToString(
                        (ADMIN_VALUE + ":" + ADMIN_VALUE).getBytes(StandardCharsets.UTF_8)) + "\r\n"
                : "";
        int port = pod.local(dataPort(pod.container()));
        return get(port, path, "127.0.0.1:" + port, "*/*", login);
    }

    /**
     * What the kubelet does with the rendered probes: each on the port it names, with the pod's address as Host, and
     * the service answers UP without details (those are for holders of the cluster secret). The data port serves no
     * Actuator at all (a node's https port, under member TLS, answers plain HTTP with 400 and nothing else), and
     * Prometheus scrapes the management port.
     */
    private static void probeAsTheKubeletDoes(Pod pod) {
        Container container = pod.container();
        List<Probe> probes = new ArrayList<>();
        probes.add(container.getStartupProbe());
        probes.add(container.getLivenessProbe());
        probes.add(container.getReadinessProbe());
        assertThat(probes).as("probes of %s", container.getName()).doesNotContainNull();
        for (Probe probe : probes) {
            String portName = probe.getHttpGet().getPort().getStrVal();
            assertThat(portName).isEqualTo("management");
            String path = probe.getHttpGet().getPath();
            String host = POD_ADDRESS + ":" + containerPort(container, portName);
            Answer answer = get(pod.local(portName), path, host);
            assertThat(answer.status()).as("%s %s", pod.process().name(), path).isEqualTo(200);
            assertThat(answer.body()).as("%s %s", pod.process().name(), path).contains("\"UP\"")
                    .doesNotContain("components").doesNotContain("details");
            assertThat(onTheDataPort(pod, path).status())
                    .as("%s %s on the data port", pod.process().name(), path).isEqualTo(plainAnswer(pod));
        }
        Answer scrape = get(pod.local("management"), "/actuator/prometheus",
                POD_ADDRESS + ":" + containerPort(container, "management"), PROMETHEUS_ACCEPT, "");
        assertThat(scrape.status()).as("%s /actuator/prometheus", pod.process().name()).isEqualTo(200);
        assertThat(scrape.body()).contains("kv_cluster_secret_values");
        assertThat(onTheDataPort(pod, "/actuator/prometheus").status())
                .as("%s /actuator/prometheus on the data port", pod.process().name()).isEqualTo(plainAnswer(pod));
    }

    /** What a plain HTTP request for a path the data port does not serve gets: 404, or 400 from an https port. */
    private static int plainAnswer(Pod pod) {
        return dataPort(pod.container()).equals("https") ? 400 : 404;
    }

    /**
     * Two nodes, a gateway and the dashboard started with the rendered configuration form a cluster, serve requests
     * and rotate the cluster secret live; the body budget, the rate limit and the dashboard's hosts reach them.
     */
    @Test
    void theRenderedConfigurationFormsAClusterThatServesRequestsAndRotatesTheSecretLive() throws Exception {
        // Two node pods here, so the first ring is those two (KV_MEMBERSHIP_INITIAL_MEMBERS=kv-node-0,kv-node-1).
        List<HasMetadata> objects = objects(render(Map.of("auth.clusterSecret", SECRET, "node.replicaCount", 2,
                "cluster.initialMembers", 2, "limits.bodyBudget", BODY_BUDGET,
                "gateway.rateLimitPerClient", RATE_PER_CLIENT, "admin.ingress.enabled", true,
                "admin.ingress.host", ADMIN_HOST)));
        PodSpec node = one(objects, StatefulSet.class, "kv-node").getSpec().getTemplate().getSpec();
        PodSpec gatewayPod = one(objects, Deployment.class, "kv-gateway").getSpec().getTemplate().getSpec();
        PodSpec adminPod = one(objects, Deployment.class, "kv-admin").getSpec().getTemplate().getSpec();
        List<Ports> ports = fourPodsPorts();
        List<Integer> nodePorts = List.of(ports.get(0).data(), ports.get(1).data());
        int gatewayPort = ports.get(2).data();
        Path root = Files.createTempDirectory("kv-rendered-config");
        Path logs = logDirectory();

        List<Pod> pods = List.of(
                startPod(node, "kv-node-0", "kv.node.jar", nodePorts, gatewayPort, ports.get(0), root,
                        root.resolve("n0"), logs),
                startPod(node, "kv-node-1", "kv.node.jar", nodePorts, gatewayPort, ports.get(1), root,
                        root.resolve("n1"), logs),
                startPod(gatewayPod, "kv-gateway-0", "kv.gateway.jar", nodePorts, gatewayPort, ports.get(2), root,
                        null, logs),
                startPod(adminPod, "kv-admin-0", "kv.admin.jar", nodePorts, gatewayPort, ports.get(3), root, null,
                        logs));
        pods.forEach(pod -> pod.process().awaitReady());
        KvProcess gateway = pods.get(2).process();
        Pod dashboard = pods.getLast();

        // The rendered probes, as the kubelet runs them; Actuator on the management ports only.
        pods.forEach(RenderedConfigTest::probeAsTheKubeletDoes);
        // limits.bodyBudget reached every service.
        for (Pod pod : pods) {
            assertThat(metric(pod.process(), "kv_limits_body_budget_bytes")).as("body budget of %s",
                    pod.process().name()).isEqualTo(16.0 * 1024 * 1024);
        }
        dashboardAnswersItsIngressHostAndLoopbackOnly(dashboard);

        AtomicReference<String> sent = new AtomicReference<>(SECRET);
        GatewayClient client = new GatewayClient(http, gateway.baseUri(), sent::get);
        await("the gateway sees both nodes alive through gossip").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200)).until(() -> {
                    JsonNode members = client.cluster().get("members");
                    return members.size() == 2 && members.valueStream()
                            .allMatch(m -> m.get("status").asString().equals("alive")
                                    && m.get("id").asString().startsWith("kv-node-"));
                });
        TestSupport.expectStatus(client.write("rendered/config", "it works"), 204);
        assertThat(TestSupport.expectStatus(client.read("rendered/config"), 200).text()).isEqualTo("it works");
        assertThat(client.repairStatus()).isNotNull();

        // The rotation of the chart's README: three contents of the Secret, each loaded by every pod before the next.
        String next = "rendered-config-next-secret";
        rotate(pods, SECRET + "," + next, 2);
        rotate(pods, next + "," + SECRET, 2);
        sent.set(next);
        rotate(pods, next, 1);

        TestSupport.expectStatus(client.write("rendered/config", "still works"), 204);
        assertThat(TestSupport.expectStatus(client.read("rendered/config"), 200).text()).isEqualTo("still works");
        assertThat(client.repairStatus()).isNotNull();
        assertThat(new GatewayClient(http, gateway.baseUri(), SECRET).admin("GET", "/admin/v1/repair").status())
                .as("the retired value").isEqualTo(401);
        for (Pod pod : pods) {
            List<String> reloads = Files.readAllLines(pod.process().logFile()).stream()
                    .filter(line -> line.contains("cluster secret reloaded from " + pod.secret().file())).toList();
            assertThat(reloads).as("reloads logged by %s", pod.process().name()).hasSize(3);
            assertThat(pod.process().isRunning()).as("%s was never restarted", pod.process().name()).isTrue();
        }

        aBurstFromOneClientIsRefusedInPart(gateway);
        KvCluster.deleteRecursively(root);
    }

    /** The dashboard answers its Ingress host (with its login) and loopback, and no other Host. */
    private static void dashboardAnswersItsIngressHostAndLoopbackOnly(Pod dashboard) {
        int dashboardPort = dashboard.ports().data();
        assertThat(get(dashboardPort, "/api/links", ADMIN_HOST).status()).as("Host %s", ADMIN_HOST).isEqualTo(401);
        assertThat(get(dashboardPort, "/api/links", "127.0.0.1:" + dashboardPort).status()).isEqualTo(401);
        assertThat(get(dashboardPort, "/api/links", "kv-admin.attacker.test").status()).as("another Host")
                .isEqualTo(403);
    }

    /** gateway.rateLimitPerClient reached the gateway: a burst from one client over it is refused in part. */
    private void aBurstFromOneClientIsRefusedInPart(KvProcess gateway) {
        List<CompletableFuture<HttpResponse<Void>>> burst = new ArrayList<>();
        for (int i = 0; i < 4 * RATE_PER_CLIENT; i++) {
            burst.add(http.sendAsync(HttpRequest.newBuilder(gateway.baseUri().resolve("/v1/cluster"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.discarding()));
        }
        List<HttpResponse<Void>> answers = burst.stream().map(CompletableFuture::join).toList();
        Map<Integer, Long> statuses = answers.stream()
                .collect(Collectors.groupingBy(HttpResponse::statusCode, TreeMap::new, Collectors.counting()));
        assertThat(statuses).as("statuses of %d requests at once from one client", answers.size())
                .containsOnlyKeys(200, 429);
        assertThat(answers).filteredOn(a -> a.statusCode() == 429)
                .allSatisfy(a -> assertThat(a.headers().firstValue("Retry-After")).hasValue("1"));
    }

    /**
     * The member certificate of a pod as the chart mounts it: the Secret {@code secretName}'s keys tls.crt, tls.key
     * and ca.crt, read-only at /etc/kv/member-tls without subPath; laid out in {@code dir} from the member store
     * {@code store} of {@code tls} as cert-manager writes such a Secret (PEM: the certificate, the PKCS#8 key, the
     * CA). Answers the mount path and the directory standing in for it.
     */
    private static Map<String, Path> memberCertificate(PodSpec pod, Container container, String secretName,
                                                       TestTls tls, Path caCertificate, String store, Path dir)
            throws Exception {
        VolumeMount mount = container.getVolumeMounts().stream().filter(m -> m.getName().equals("member-tls"))
                .findFirst().orElseThrow(() -> new AssertionError("no member-tls mount on " + container.getName()));
        assertThat(mount.getMountPath()).isEqualTo(MEMBER_TLS);
        assertThat(mount.getReadOnly()).isTrue();
        assertThat(mount.getSubPath()).isNull();
        Volume volume = pod.getVolumes().stream().filter(v -> v.getName().equals("member-tls")).findFirst()
                .orElseThrow();
        assertThat(volume.getSecret().getSecretName()).isEqualTo(secretName);
        assertThat(volume.getSecret().getItems()).extracting(KeyToPath::getPath)
                .containsExactlyInAnyOrder("tls.crt", "tls.key", "ca.crt");

        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(tls.memberStore(store))) {
            keys.load(in, TestTls.PASSWORD.toCharArray());
        }
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("tls.crt"), pem("CERTIFICATE", keys.getCertificate("member").getEncoded()));
        Files.writeString(dir.resolve("tls.key"), pem("PRIVATE KEY",
                ((PrivateKey) keys.getKey("member", TestTls.PASSWORD.toCharArray())).getEncoded()));
        Files.copy(caCertificate, dir.resolve("ca.crt"));
        return Map.of(MEMBER_TLS, dir);
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    /**
     * Member TLS as the chart configures it (memberTls from cert-manager, the default identities): two nodes, a
     * gateway and the dashboard started with the rendered environment and each pod's member certificate where its
     * rendered volume puts it, as cert-manager issues them for the chart's Certificates: the two nodes share the
     * Secret of the StatefulSet (common name kv-node), the gateway has kv-gateway's, the dashboard kv-admin's, all
     * from one CA, for the name 127.0.0.1 (where the pods' addresses are moved). They form a cluster over https,
     * serve a write and a read, the dashboard reads each node's hints as a member, the nodes' port refuses plain HTTP
     * even with the cluster secret, and the probes and Prometheus answer on the plain management ports.
     */
    @Test
    void withMemberTlsTheRenderedConfigurationFormsAClusterOverHttpsAndTheNodesRefusePlainHttp() throws Exception {
        List<HasMetadata> objects = objects(render(Map.of("auth.clusterSecret", SECRET, "node.replicaCount", 2,
                "cluster.initialMembers", 2, "memberTls.enabled", true, "memberTls.certManager.enabled", true,
                "memberTls.certManager.issuerRef.name", "kv-member-ca")));
        PodSpec node = one(objects, StatefulSet.class, "kv-node").getSpec().getTemplate().getSpec();
        PodSpec gatewayPod = one(objects, Deployment.class, "kv-gateway").getSpec().getTemplate().getSpec();
        PodSpec adminPod = one(objects, Deployment.class, "kv-admin").getSpec().getTemplate().getSpec();
        Path root = Files.createTempDirectory("kv-rendered-member-tls");
        Path ca = Files.createDirectories(root.resolve("ca"));
        TestTls tls = TestTls.create(ca);
        Map<String, String> identities = Map.of("node", "kv-node", "gateway", "kv-gateway", "admin", "kv-admin");
        identities.forEach(tls::issueMember);

        List<Ports> ports = fourPodsPorts();
        List<Integer> nodePorts = List.of(ports.get(0).data(), ports.get(1).data());
        int gatewayPort = ports.get(2).data();
        Path logs = logDirectory();
        Path volumes = root.resolve("member-tls");
        Container nodeContainer = node.getContainers().getFirst();
        List<Pod> pods = List.of(
                startPod(node, "kv-node-0", "kv.node.jar", nodePorts, gatewayPort, ports.get(0), root,
                        root.resolve("n0"), logs, memberCertificate(node, nodeContainer, "kv-node-member-tls", tls,
                                ca.resolve("ca.crt"), "node", volumes.resolve("kv-node-0"))),
                startPod(node, "kv-node-1", "kv.node.jar", nodePorts, gatewayPort, ports.get(1), root,
                        root.resolve("n1"), logs, memberCertificate(node, nodeContainer, "kv-node-member-tls", tls,
                                ca.resolve("ca.crt"), "node", volumes.resolve("kv-node-1"))),
                startPod(gatewayPod, "kv-gateway-0", "kv.gateway.jar", nodePorts, gatewayPort, ports.get(2), root,
                        null, logs, memberCertificate(gatewayPod, gatewayPod.getContainers().getFirst(),
                                "kv-gateway-member-tls", tls, ca.resolve("ca.crt"), "gateway",
                                volumes.resolve("kv-gateway-0"))),
                startPod(adminPod, "kv-admin-0", "kv.admin.jar", nodePorts, gatewayPort, ports.get(3), root, null,
                        logs, memberCertificate(adminPod, adminPod.getContainers().getFirst(),
                                "kv-admin-member-tls", tls, ca.resolve("ca.crt"), "admin",
                                volumes.resolve("kv-admin-0"))));
        pods.forEach(pod -> pod.process().awaitReady());
        KvProcess gateway = pods.get(2).process();

        // The probes and Prometheus on the plain management ports; the nodes' data port is https only.
        pods.forEach(RenderedConfigTest::probeAsTheKubeletDoes);
        GatewayClient client = new GatewayClient(http, gateway.baseUri(), SECRET);
        await("the gateway sees both nodes alive, at https addresses").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                    // The members' addresses are shown to a holder of the cluster secret only.
                    JsonNode members = TestSupport.expectStatus(client.raw("GET", "/v1/cluster")
                            .header("X-KV-Cluster-Secret", SECRET).send(), 200).json().get("members");
                    assertThat(members.size()).as(members.toString()).isEqualTo(2);
                    members.valueStream().forEach(m -> {
                        assertThat(m.get("status").asString()).as(m.toString()).isEqualTo("alive");
                        assertThat(m.get("url").asString()).as(m.toString()).startsWith("https://127.0.0.1:");
                    });
                });
        TestSupport.expectStatus(client.write("rendered/member-tls", "over mutual tls"), 204);
        assertThat(TestSupport.expectStatus(client.read("rendered/member-tls"), 200).text())
                .isEqualTo("over mutual tls");

        // The dashboard reads each node's hints from the node itself, as a member.
        HttpResponse<String> view = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + ports.get(3).data() + "/api/cluster")).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        (ADMIN_VALUE + ":" + ADMIN_VALUE).getBytes(StandardCharsets.UTF_8))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(view.statusCode()).as(view.body()).isEqualTo(200);
        JsonNode members = JsonMapper.builder().build().readTree(view.body()).get("members");
        assertThat(members.size()).isEqualTo(2);
        members.valueStream().forEach(member -> assertThat(member.get("hints").has("pending"))
                .as(member.toString()).isTrue());

        nodesRefusePlainHttp(nodePorts);
        for (Pod pod : pods) {
            assertThat(Files.readString(pod.process().logFile())).as("log of %s", pod.process().name())
                    .contains("member TLS: bundle member loaded");
        }
        KvCluster.deleteRecursively(root);
    }

    /** Plain HTTP to a node is refused, the cluster secret notwithstanding. */
    private static void nodesRefusePlainHttp(List<Integer> nodePorts) {
        for (int port : nodePorts) {
            Answer plain = get(port, "/internal/v1/info", "127.0.0.1:" + port, "*/*",
                    "X-KV-Cluster-Secret: " + SECRET + "\r\n");
            assertThat(plain.status()).as("plain HTTP to the node on %d", port).isEqualTo(400);
            assertThat(plain.body()).doesNotContain("\"nodeId\"");
        }
    }

    /**
     * Puts {@code content} into every pod's Secret volume (as the kubelet does, each pod on its own) and waits until
     * every service has loaded it: {@code kv_cluster_secret_loaded_seconds} later than before, {@code values} values.
     */
    private void rotate(List<Pod> pods, String content, int values) {
        Map<Pod, Double> loadedBefore = new LinkedHashMap<>();
        for (Pod pod : pods) {
            loadedBefore.put(pod, metric(pod.process(), "kv_cluster_secret_loaded_seconds"));
        }
        pods.forEach(pod -> pod.secret().write(content));
        await("every pod loads " + values + " value(s)").atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                    for (Pod pod : pods) {
                        assertThat(metric(pod.process(), "kv_cluster_secret_loaded_seconds"))
                                .as("when %s loaded the secret", pod.process().name())
                                .isGreaterThan(loadedBefore.get(pod));
                        assertThat(metric(pod.process(), "kv_cluster_secret_values"))
                                .as("values %s accepts", pod.process().name()).isEqualTo(values);
                    }
                });
    }

    /** A gauge of the process's {@code /actuator/prometheus}. */
    private double metric(KvProcess process, String name) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                    process.managementUri().resolve("/actuator/prometheus")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            return response.body().lines().filter(line -> line.startsWith(name + " ") || line.startsWith(name + "{"))
                    .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                    .reduce((a, b) -> {
                        throw new AssertionError("several samples of " + name);
                    }).orElseThrow(() -> new AssertionError("no " + name + " on " + process.name()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
