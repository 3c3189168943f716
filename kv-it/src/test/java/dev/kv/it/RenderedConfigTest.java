package dev.kv.it;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * started with exactly the rendered environment (the pod's name and namespace filled in as Kubernetes would, Secret
 * references resolved, and only the pod DNS names, bind address, ports and data directory moved to loopback) form a
 * cluster and serve a write and a read.
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

    /** The container's environment as its pod would see it, then moved to loopback. */
    private static Map<String, String> environment(Container container, String podName, List<Integer> nodePorts,
                                                   int port, Path dataDir) {
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
                value = variable.getValueFrom().getSecretKeyRef().getKey().equals("cluster-secret") ? SECRET
                        : "admin-value";
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

    @Test
    void twoNodesAndAGatewayStartedWithTheRenderedEnvironmentFormAClusterAndServeRequests() throws Exception {
        // Two node pods here, so the first ring is those two (KV_MEMBERSHIP_INITIAL_MEMBERS=kv-node-0,kv-node-1).
        List<HasMetadata> objects = objects(render(Map.of("auth.clusterSecret", SECRET, "node.replicaCount", 2,
                "cluster.initialMembers", 2)));
        Container node = one(objects, StatefulSet.class, "kv-node").getSpec().getTemplate().getSpec()
                .getContainers().getFirst();
        Container gatewayContainer = one(objects, Deployment.class, "kv-gateway").getSpec().getTemplate().getSpec()
                .getContainers().getFirst();
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                ports.add(socket.getLocalPort());
            }
        }
        Path root = Files.createTempDirectory("kv-rendered-config");
        Path logs = Path.of(System.getProperty("basedir", "."), "target", "cluster-logs", "RenderedConfigTest");
        Files.createDirectories(logs);

        List<KvProcess> nodes = List.of(
                start("kv-node-0", "kv.node.jar", ports.get(0),
                        environment(node, "kv-node-0", ports, ports.get(0), root.resolve("n0")), logs),
                start("kv-node-1", "kv.node.jar", ports.get(1),
                        environment(node, "kv-node-1", ports, ports.get(1), root.resolve("n1")), logs));
        KvProcess gateway = start("gateway", "kv.gateway.jar", ports.get(2),
                environment(gatewayContainer, "kv-gateway-0", ports, ports.get(2), null), logs);
        nodes.forEach(KvProcess::awaitReady);
        gateway.awaitReady();

        GatewayClient client = new GatewayClient(http, gateway.baseUri(), SECRET);
        await("the gateway sees both nodes alive through gossip").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200)).until(() -> {
                    JsonNode members = client.cluster().get("members");
                    return members.size() == 2 && members.valueStream()
                            .allMatch(m -> m.get("status").asString().equals("alive")
                                    && m.get("id").asString().startsWith("kv-node-"));
                });
        TestSupport.expectStatus(client.write("rendered/config", "it works"), 204);
        assertThat(TestSupport.expectStatus(client.read("rendered/config"), 200).text()).isEqualTo("it works");
        KvCluster.deleteRecursively(root);
    }
}
