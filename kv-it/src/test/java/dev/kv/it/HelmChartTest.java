package dev.kv.it;

import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static dev.kv.it.HelmChart.NAMESPACE;
import static dev.kv.it.HelmChart.objects;
import static dev.kv.it.HelmChart.one;
import static dev.kv.it.HelmChart.render;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Helm chart, linted and rendered in-process (helm-java), its objects checked as Kubernetes objects. */
class HelmChartTest {

    private static final String KNOWN_SECRET = "s3cr3t-for-the-test-only-0123456789";

    private static Map<String, String> env(Container container) {
        Map<String, String> env = new LinkedHashMap<>();
        for (EnvVar variable : container.getEnv()) {
            env.put(variable.getName(), variable.getValue());
        }
        return env;
    }

    private static EnvVar envVar(Container container, String name) {
        return container.getEnv().stream().filter(e -> e.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(name + " not set on " + container.getName()));
    }

    @Test
    void theChartLintsCleanWithDefaultAndNonDefaultValues() {
        LintResult lint = HelmChart.helm().lint().strict().call();
        assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();

        String custom = render(Map.of("node.replicaCount", 5, "config.conflictMode", "lww",
                "gateway.autoscaling.enabled", true, "gateway.ingress.enabled", true,
                "metrics.serviceMonitor.enabled", true, "node.podAntiAffinityPreset", "hard"));
        List<HasMetadata> objects = objects(custom);
        assertThat(one(objects, StatefulSet.class, "kv-node").getSpec().getReplicas()).isEqualTo(5);
        assertThat(objects).extracting(HasMetadata::getKind)
                .contains("HorizontalPodAutoscaler", "Ingress", "ServiceMonitor");
        assertThat(one(objects, StatefulSet.class, "kv-node").getSpec().getTemplate().getSpec().getAffinity()
                .getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution()).isNotEmpty();
    }

    @Test
    void nodesAreAStatefulSetWhosePodDnsNamesAreTheGossipSeedsOfNodesAndGateways() {
        List<HasMetadata> objects = objects(render(Map.of()));
        StatefulSet nodes = one(objects, StatefulSet.class, "kv-node");
        Service headless = one(objects, Service.class, "kv-node-headless");

        assertThat(nodes.getSpec().getPodManagementPolicy()).isEqualTo("Parallel");
        assertThat(nodes.getSpec().getServiceName()).isEqualTo("kv-node-headless");
        assertThat(headless.getSpec().getClusterIP()).isEqualTo("None");
        assertThat(nodes.getSpec().getVolumeClaimTemplates()).extracting(c -> c.getMetadata().getName())
                .containsExactly("data");
        String seeds = "kv-node-0.kv-node-headless." + NAMESPACE + ".svc.cluster.local:7101,"
                + "kv-node-1.kv-node-headless." + NAMESPACE + ".svc.cluster.local:7101";
        Container node = nodes.getSpec().getTemplate().getSpec().getContainers().getFirst();
        assertThat(env(node)).containsEntry("KV_GOSSIP_SEEDS", seeds).containsEntry("KV_NODE_DATADIR", "/data");
        Container gateway = one(objects, Deployment.class, "kv-gateway").getSpec().getTemplate().getSpec()
                .getContainers().getFirst();
        assertThat(env(gateway)).containsEntry("KV_GATEWAY_SEEDS", seeds);
    }

    @Test
    void probesPointAtTheActuatorHealthGroupsOnTheServicesPorts() {
        List<HasMetadata> objects = objects(render(Map.of()));
        Map<String, Integer> ports = Map.of("kv-node", 7101, "kv-gateway", 8080, "kv-admin", 8090);
        for (Map.Entry<String, Integer> workload : ports.entrySet()) {
            PodSpec pod = workload.getKey().equals("kv-node")
                    ? one(objects, StatefulSet.class, workload.getKey()).getSpec().getTemplate().getSpec()
                    : one(objects, Deployment.class, workload.getKey()).getSpec().getTemplate().getSpec();
            Container container = pod.getContainers().getFirst();
            assertThat(container.getPorts()).anySatisfy(p -> {
                assertThat(p.getContainerPort()).isEqualTo(workload.getValue());
                assertThat(p.getName()).isEqualTo("http");
            });
            assertThat(env(container)).containsEntry("SERVER_PORT", workload.getValue().toString())
                    .containsEntry("SERVER_ADDRESS", "0.0.0.0");
            Probe readiness = container.getReadinessProbe();
            Probe liveness = container.getLivenessProbe();
            assertThat(readiness.getHttpGet().getPath()).isEqualTo("/actuator/health/readiness");
            assertThat(liveness.getHttpGet().getPath()).isEqualTo("/actuator/health/liveness");
            assertThat(readiness.getHttpGet().getPort().getStrVal()).isEqualTo("http");
        }
    }

    @Test
    void podsRunAsNonRootOnAReadOnlyRootWithNoCapabilitiesAndNodesSpreadWithABudgetOfOne() {
        List<HasMetadata> objects = objects(render(Map.of()));
        for (HasMetadata workload : objects) {
            PodSpec pod = workload instanceof StatefulSet s ? s.getSpec().getTemplate().getSpec()
                    : workload instanceof Deployment d ? d.getSpec().getTemplate().getSpec() : null;
            if (pod == null) {
                continue;
            }
            assertThat(pod.getSecurityContext().getRunAsNonRoot()).as(workload.getMetadata().getName()).isTrue();
            for (Container container : pod.getContainers()) {
                assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
                assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
                assertThat(container.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
            }
        }
        PodDisruptionBudget budget = one(objects, PodDisruptionBudget.class, "kv-node");
        assertThat(budget.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
        assertThat(one(objects, StatefulSet.class, "kv-node").getSpec().getTemplate().getSpec().getAffinity()
                .getPodAntiAffinity().getPreferredDuringSchedulingIgnoredDuringExecution()).isNotEmpty();
    }

    @Test
    void onlyNodesGatewaysAndTheDashboardMayReachTheNodesPort() {
        List<HasMetadata> objects = objects(render(Map.of()));
        NetworkPolicy policy = objects.stream().filter(NetworkPolicy.class::isInstance).map(NetworkPolicy.class::cast)
                .filter(p -> "node".equals(p.getSpec().getPodSelector().getMatchLabels()
                        .get("app.kubernetes.io/component"))).findFirst().orElseThrow();

        assertThat(policy.getSpec().getIngress()).hasSize(1);
        var rule = policy.getSpec().getIngress().getFirst();
        assertThat(rule.getPorts()).extracting(p -> p.getPort().getIntVal() != null ? p.getPort().getIntVal()
                : p.getPort().getStrVal()).containsAnyOf(7101, "http");
        assertThat(rule.getFrom()).isNotEmpty().allSatisfy((NetworkPolicyPeer peer) -> {
            assertThat(peer.getIpBlock()).isNull();
            assertThat(peer.getPodSelector().getMatchLabels()).containsEntry("app.kubernetes.io/instance", "kv")
                    .containsKey("app.kubernetes.io/component");
        });
        assertThat(rule.getFrom()).extracting(p -> p.getPodSelector().getMatchLabels()
                .get("app.kubernetes.io/component")).containsExactlyInAnyOrder("node", "gateway", "admin");
    }

    @Test
    void theClusterSecretLivesOnlyInTheSecretAndReachesContainersByReference() {
        String yaml = render(Map.of("auth.clusterSecret", KNOWN_SECRET));
        List<HasMetadata> objects = objects(yaml);
        Secret secret = one(objects, Secret.class, "kv-secret");
        String stored = secret.getData() != null && secret.getData().containsKey("cluster-secret")
                ? new String(Base64.getDecoder().decode(secret.getData().get("cluster-secret")), StandardCharsets.UTF_8)
                : secret.getStringData().get("cluster-secret");

        assertThat(stored).isEqualTo(KNOWN_SECRET);
        String withoutSecret = objects.stream().filter(o -> !(o instanceof Secret))
                .map(HelmChart::yaml)
                .collect(Collectors.joining("\n"));
        assertThat(withoutSecret).doesNotContain(KNOWN_SECRET)
                .doesNotContain(Base64.getEncoder().encodeToString(KNOWN_SECRET.getBytes(StandardCharsets.UTF_8)));
        Container node = one(objects, StatefulSet.class, "kv-node").getSpec().getTemplate().getSpec()
                .getContainers().getFirst();
        EnvVar reference = envVar(node, "KV_CLUSTER_SECRET");
        assertThat(reference.getValue()).isNull();
        assertThat(reference.getValueFrom().getSecretKeyRef().getName()).isEqualTo("kv-secret");
    }

    @Test
    void theValuesSchemaRejectsAReplicationFactorOfZero() {
        assertThatThrownBy(() -> render(Map.of("config.replicationFactor", 0)))
                .hasMessageContaining("replicationFactor");
        assertThatThrownBy(() -> render(Map.of("config.conflictMode", "last-one-wins")))
                .hasMessageContaining("conflictMode");
    }

    /**
     * {@code k8s/kv.yaml} is the chart rendered with default values and an existing Secret named {@code kv-secret}
     * (so no generated secret is frozen into a file), without Helm's test hooks. Regenerate with
     * {@code ./mvnw -pl kv-it test -Dtest=HelmChartTest -Dkv.k8s.write=true}.
     */
    @Test
    void theK8sManifestsAreTheChartRenderedWithDefaultValues() throws Exception {
        String rendered = HelmChart.helm().template().withName(HelmChart.RELEASE).withNamespace("default")
                .withKubeVersion(HelmChart.KUBE_VERSION)
                .set("auth.existingSecret", "kv-secret").call();
        String manifests = objects(rendered).stream()
                .filter(o -> o.getMetadata().getAnnotations() == null
                        || !o.getMetadata().getAnnotations().containsKey("helm.sh/hook"))
                .map(HelmChart::yaml)
                .collect(Collectors.joining(""));
        Path file = Path.of(System.getProperty("kv.k8s", "../k8s")).resolve("kv.yaml");
        String header = "# Rendered from helm/kv with default values (auth.existingSecret=kv-secret); do not edit:\n"
                + "# HelmChartTest keeps it equal to the chart. Create the Secret first, see k8s/README.md.\n";
        if (Boolean.getBoolean("kv.k8s.write")) {
            Files.writeString(file, header + manifests);
        }
        assertThat(Files.readString(file)).as("k8s/kv.yaml is stale: regenerate it (see this test's Javadoc)")
                .isEqualTo(header + manifests);
    }
}
