package dev.kv.it;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.kv.it.HelmChart.NAMESPACE;
import static dev.kv.it.HelmChart.objects;
import static dev.kv.it.HelmChart.one;
import static dev.kv.it.HelmChart.render;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The configuration the chart gives the containers is the configuration the services read: two nodes and a gateway
 * started with exactly the rendered environment (the pod's name and namespace filled in as Kubernetes would, and only
 * the pod DNS names, bind address, ports and data directory moved to loopback) and the rendered Secret volume (each
 * pod's own, laid out and updated the way the kubelet does, see {@link ClusterSecretVolume}) form a cluster and serve
 * a write and a read. Then the cluster secret is rotated the way the chart's README says, by three edits of the
 * Secret and no restart, and the cluster serves on with the new value only.
 */
class RenderedConfigTest {

    private static final String SECRET = "rendered-config-test-secret";
    private static final Pattern POD_DNS = Pattern.compile(
            "kv-node-(\\d+)\\.kv-node-headless\\." + NAMESPACE + "\\.svc\\.cluster\\.local:7101");
    private static final Pattern REFERENCE = Pattern.compile("\\$\\((\\w+)\\)");

    private final List<KvProcess> processes = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stop() {
        processes.forEach(KvProcess::requestStop);
        processes.forEach(KvProcess::awaitStopped);
        http.close();
    }

    /**
     * The container's environment as its pod would see it, then moved to loopback; KV_CLUSTER_SECRET_FILE names the
     * file of {@code secret}, the pod's Secret volume.
     */
    private static Map<String, String> environment(Container container, String podName, List<Integer> nodePorts,
                                                   int port, Path dataDir, ClusterSecretVolume secret) {
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
                value = "admin-value";
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
            env.put(variable.getName(), dns.replaceAll(m -> "127.0.0.1:" + nodePorts.get(Integer.parseInt(m.group(1)))));
        }
        assertThat(env).containsKey("KV_CLUSTER_SECRET_FILE").doesNotContainKey("KV_CLUSTER_SECRET");
        env.put("KV_CLUSTER_SECRET_FILE", secret.file().toString());
        env.put("SERVER_ADDRESS", "127.0.0.1");
        env.put("SERVER_PORT", Integer.toString(port));
        if (dataDir != null) {
            env.put("KV_NODE_DATADIR", dataDir.toString());
        }
        return env;
    }

    private KvProcess start(String name, String jarProperty, int port, Map<String, String> env, Path logs) {
        KvProcess process = new KvProcess(name, Path.of(System.getProperty(jarProperty)), port, List.of(), env,
                logs.resolve(name + ".log"), http);
        processes.add(process);
        process.launch();
        return process;
    }

    /** A pod of the chart outside Kubernetes: its Secret volume and the process started with its environment. */
    private record Pod(ClusterSecretVolume secret, KvProcess process) {
    }

    private Pod startPod(PodSpec spec, String name, String jarProperty, List<Integer> ports, int port, Path root,
                         Path dataDir, Path logs) {
        Container container = spec.getContainers().getFirst();
        ClusterSecretVolume secret = ClusterSecretVolume.of(spec, container, "kv-secret",
                root.resolve("volumes").resolve(name));
        secret.write(SECRET);
        return new Pod(secret, start(name, jarProperty, port,
                environment(container, name, ports, port, dataDir, secret), logs));
    }

    @Test
    void twoNodesAndAGatewayStartedWithTheRenderedConfigurationFormAClusterServeRequestsAndRotateTheSecretLive()
            throws Exception {
        // Two node pods here, so the first ring is those two (KV_MEMBERSHIP_INITIAL_MEMBERS=kv-node-0,kv-node-1).
        List<HasMetadata> objects = objects(render(Map.of("auth.clusterSecret", SECRET, "node.replicaCount", 2,
                "cluster.initialMembers", 2)));
        PodSpec node = one(objects, StatefulSet.class, "kv-node").getSpec().getTemplate().getSpec();
        PodSpec gatewayPod = one(objects, Deployment.class, "kv-gateway").getSpec().getTemplate().getSpec();
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                ports.add(socket.getLocalPort());
            }
        }
        Path root = Files.createTempDirectory("kv-rendered-config");
        Path logs = Path.of(System.getProperty("basedir", "."), "target", "cluster-logs", "RenderedConfigTest");
        Files.createDirectories(logs);

        List<Pod> pods = List.of(
                startPod(node, "kv-node-0", "kv.node.jar", ports, ports.get(0), root, root.resolve("n0"), logs),
                startPod(node, "kv-node-1", "kv.node.jar", ports, ports.get(1), root, root.resolve("n1"), logs),
                startPod(gatewayPod, "kv-gateway-0", "kv.gateway.jar", ports, ports.get(2), root, null, logs));
        pods.forEach(pod -> pod.process().awaitReady());
        KvProcess gateway = pods.getLast().process();

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
        KvCluster.deleteRecursively(root);
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
