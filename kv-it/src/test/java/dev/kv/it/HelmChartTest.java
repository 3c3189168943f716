package dev.kv.it;

import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
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

    /** The pod template of the workload kv-node, kv-gateway or kv-admin. */
    private static PodTemplateSpec template(List<HasMetadata> objects, String workload) {
        return workload.equals("kv-node") ? one(objects, StatefulSet.class, workload).getSpec().getTemplate()
                : one(objects, Deployment.class, workload).getSpec().getTemplate();
    }

    /** The container port a probe's named port stands for (as the kubelet resolves it). */
    private static int probePort(Container container, Probe probe) {
        String name = probe.getHttpGet().getPort().getStrVal();
        assertThat(name).as("probes name their port").isNotNull();
        return container.getPorts().stream().filter(p -> name.equals(p.getName())).findFirst()
                .orElseThrow(() -> new AssertionError("no container port named " + name)).getContainerPort();
    }

    /**
     * Every workload's container: its data port {@code http} and its management port {@code management}, Actuator
     * bound to every interface of the pod there, every probe on the health groups of that port, and the scrape
     * annotations on it. The data ports serve no {@code /actuator} at all.
     */
    @Test
    void probesPointAtTheActuatorHealthGroupsOnTheManagementPorts() {
        // workload -> data port, management port; by default, then moved through the values
        Map<String, List<Integer>> defaults = Map.of("kv-node", List.of(7101, 7201), "kv-gateway", List.of(8080, 8081),
                "kv-admin", List.of(8090, 8091));
        Map<String, List<Integer>> moved = Map.of("kv-node", List.of(7101, 9101), "kv-gateway", List.of(8080, 9102),
                "kv-admin", List.of(8090, 9103));
        Map<Map<String, List<Integer>>, List<HasMetadata>> renderings = Map.of(
                defaults, objects(render(Map.of())),
                moved, objects(render(Map.of("node.managementPort", 9101, "gateway.managementPort", 9102,
                        "admin.managementPort", 9103))));
        renderings.forEach((ports, objects) -> ports.forEach((workload, expected) -> {
            int port = expected.get(0);
            int management = expected.get(1);
            PodTemplateSpec template = template(objects, workload);
            Container container = template.getSpec().getContainers().getFirst();
            assertThat(container.getPorts()).as(workload)
                    .extracting(p -> p.getName() + "=" + p.getContainerPort() + "/" + p.getProtocol())
                    .containsExactlyInAnyOrder("http=" + port + "/TCP", "management=" + management + "/TCP");
            assertThat(env(container)).as(workload)
                    .containsEntry("SERVER_PORT", Integer.toString(port))
                    .containsEntry("SERVER_ADDRESS", "0.0.0.0")
                    .containsEntry("MANAGEMENT_SERVER_PORT", Integer.toString(management))
                    .containsEntry("MANAGEMENT_SERVER_ADDRESS", "0.0.0.0");
            List<Map.Entry<String, Probe>> probes = List.of(
                    Map.entry("/actuator/health/liveness", container.getStartupProbe()),
                    Map.entry("/actuator/health/liveness", container.getLivenessProbe()),
                    Map.entry("/actuator/health/readiness", container.getReadinessProbe()));
            for (Map.Entry<String, Probe> probe : probes) {
                assertThat(probe.getValue()).as("%s probe on %s", workload, probe.getKey()).isNotNull();
                assertThat(probe.getValue().getHttpGet().getPath()).isEqualTo(probe.getKey());
                assertThat(probe.getValue().getHttpGet().getPort().getStrVal()).isEqualTo("management");
                assertThat(probePort(container, probe.getValue())).as("%s probe on %s", workload, probe.getKey())
                        .isEqualTo(management);
            }
            assertThat(template.getMetadata().getAnnotations()).as(workload)
                    .containsEntry("prometheus.io/port", Integer.toString(management))
                    .containsEntry("prometheus.io/path", "/actuator/prometheus");
        }));
    }

    @Test
    void theManagementPortMustDifferFromTheDataPort() {
        for (String component : List.of("node", "gateway", "admin")) {
            int port = Map.of("node", 7101, "gateway", 8080, "admin", 8090).get(component);
            assertThatThrownBy(() -> render(Map.of(component + ".managementPort", port)))
                    .hasMessageContaining(component + ".managementPort").hasMessageContaining("must differ");
            assertThatThrownBy(() -> render(Map.of(component + ".port", 9000, component + ".managementPort", 9000)))
                    .hasMessageContaining(component + ".managementPort");
        }
        assertThatThrownBy(() -> render(Map.of("gateway.managementPort", 0))).hasMessageContaining("managementPort");
        assertThatThrownBy(() -> render(Map.of("node.managementPort", 65536))).hasMessageContaining("managementPort");
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

        // One rule for the data port (the other is the management port's: see the test below).
        var rules = policy.getSpec().getIngress().stream()
                .filter(r -> r.getPorts().stream().anyMatch(p -> Integer.valueOf(7101).equals(p.getPort().getIntVal())))
                .toList();
        assertThat(rules).hasSize(1);
        var rule = rules.getFirst();
        assertThat(rule.getPorts()).extracting(p -> p.getPort().getIntVal()).containsExactly(7101);
        assertThat(rule.getFrom()).isNotEmpty().allSatisfy((NetworkPolicyPeer peer) -> {
            assertThat(peer.getIpBlock()).isNull();
            assertThat(peer.getPodSelector().getMatchLabels()).containsEntry("app.kubernetes.io/instance", "kv")
                    .containsKey("app.kubernetes.io/component");
        });
        assertThat(rule.getFrom()).extracting(p -> p.getPodSelector().getMatchLabels()
                .get("app.kubernetes.io/component")).containsExactlyInAnyOrder("node", "gateway", "admin");
    }

    /** The pod spec of a workload or hook of the chart, or null for other objects. */
    private static PodSpec podSpec(HasMetadata object) {
        return switch (object) {
            case StatefulSet s -> s.getSpec().getTemplate().getSpec();
            case Deployment d -> d.getSpec().getTemplate().getSpec();
            case Job j -> j.getSpec().getTemplate().getSpec();
            case Pod p -> p.getSpec();
            default -> null;
        };
    }

    /** The labels of the pods of a workload or hook of the chart. */
    private static Map<String, String> podLabels(HasMetadata object) {
        return switch (object) {
            case StatefulSet s -> s.getSpec().getTemplate().getMetadata().getLabels();
            case Deployment d -> d.getSpec().getTemplate().getMetadata().getLabels();
            case Job j -> j.getSpec().getTemplate().getMetadata().getLabels();
            case Pod p -> p.getMetadata().getLabels();
            default -> throw new IllegalArgumentException(object.getKind());
        };
    }

    /** Every object of the chart rendered with these values, its hooks (the scale-down Job, the test pod) included. */
    private static List<HasMetadata> objectsAndHooks(Map<String, Object> values) {
        List<HasMetadata> all = new ArrayList<>(objects(render(values)));
        all.addAll(HelmChart.hooks(values));
        return all;
    }

    @Test
    void theClusterSecretLivesOnlyInTheSecretAndReachesEveryPodThatNeedsItAsAReadOnlyVolumeNeverInItsEnvironment(
            @TempDir Path root) {
        List<HasMetadata> objects = objectsAndHooks(Map.of("auth.clusterSecret", KNOWN_SECRET));
        Secret secret = one(objects, Secret.class, "kv-secret");
        String stored = secret.getData() != null && secret.getData().containsKey("cluster-secret")
                ? new String(Base64.getDecoder().decode(secret.getData().get("cluster-secret")), StandardCharsets.UTF_8)
                : secret.getStringData().get("cluster-secret");

        assertThat(stored).isEqualTo(KNOWN_SECRET);
        String withoutSecret = objects.stream().filter(o -> !(o instanceof Secret))
                .map(HelmChart::yaml)
                .collect(Collectors.joining("\n"));
        assertThat(withoutSecret).doesNotContain(KNOWN_SECRET)
                .doesNotContain(Base64.getEncoder().encodeToString(KNOWN_SECRET.getBytes(StandardCharsets.UTF_8)))
                .doesNotContain("KV_CLUSTER_SECRET\"").doesNotContain("KV_CLUSTER_SECRET\n");

        // Every pod that talks to the cluster's internal or admin API: the nodes, gateways, dashboard and scale-down
        // hook. Each reads the file in a read-only Secret volume without subPath (checked by ClusterSecretVolume).
        Map<String, String> withTheSecret = new LinkedHashMap<>();
        for (HasMetadata object : objects) {
            PodSpec pod = podSpec(object);
            if (pod == null) {
                continue;
            }
            for (Container container : pod.getContainers()) {
                if (object instanceof Pod) {
                    // The helm test pod uses the public API only: no secret at all (unless gateway.auth.enabled, see
                    // clientAuthenticationFromTheValuesRendersTheClientsFileAndRollsTheGatewaysWhenItChanges).
                    assertThat(pod.getVolumes()).noneMatch(v -> v.getSecret() != null);
                    assertThat(env(container)).doesNotContainKeys("KV_CLUSTER_SECRET", "KV_CLUSTER_SECRET_FILE");
                    continue;
                }
                ClusterSecretVolume.of(pod, container, "kv-secret", root);
                withTheSecret.put(object.getKind() + "/" + object.getMetadata().getName(),
                        env(container).get("KV_CLUSTER_SECRET_FILE"));
                VolumeMount mount = container.getVolumeMounts().stream()
                        .filter(m -> m.getName().equals("cluster-secret")).findFirst().orElseThrow();
                assertThat(mount.getMountPath()).isEqualTo("/etc/kv/cluster-secret");
                // The root filesystem stays read-only; the secret's mount is the only one added.
                assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
                assertThat(container.getVolumeMounts()).extracting(VolumeMount::getMountPath)
                        .containsExactlyInAnyOrderElementsOf(object instanceof StatefulSet
                                ? List.of("/data", "/tmp", "/etc/kv/cluster-secret")
                                : List.of("/tmp", "/etc/kv/cluster-secret"));
                // Mode 0440, owned by root and the pods' group: the service (user 1000 in group 1000) reads it.
                Volume volume = pod.getVolumes().stream().filter(v -> v.getName().equals("cluster-secret"))
                        .findFirst().orElseThrow();
                assertThat(volume.getSecret().getDefaultMode()).isEqualTo(0440);
                assertThat(volume.getSecret().getItems()).extracting(KeyToPath::getKey)
                        .containsExactly("cluster-secret");
                assertThat(pod.getSecurityContext().getFsGroup()).isEqualTo(1000L);
                assertThat(pod.getSecurityContext().getRunAsGroup()).isEqualTo(1000L);
                assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
            }
        }
        assertThat(withTheSecret).containsOnlyKeys("StatefulSet/kv-node", "Deployment/kv-gateway",
                "Deployment/kv-admin", "Job/kv-node-scale-down")
                .allSatisfy((workload, file) -> assertThat(file).isEqualTo("/etc/kv/cluster-secret/cluster-secret"));
        assertThat(objects).anyMatch(o -> o instanceof Pod && o.getMetadata().getName().equals("kv-test-roundtrip"));
    }

    @Test
    void anExistingSecretIsMountedByItsName(@TempDir Path root) {
        for (HasMetadata object : objectsAndHooks(Map.of("auth.existingSecret", "team-kv-secret"))) {
            PodSpec pod = podSpec(object);
            if (pod != null && !(object instanceof Pod)) {
                ClusterSecretVolume.of(pod, pod.getContainers().getFirst(), "team-kv-secret", root);
            }
        }
    }

    @Test
    void changingTheClusterSecretRestartsNoPodButChangingTheDashboardLoginRestartsTheDashboard() {
        List<HasMetadata> before = objects(render(Map.of("auth.clusterSecret", "a-secret")));
        List<HasMetadata> rotated = objects(render(Map.of("auth.clusterSecret", "a-secret,another-secret")));
        for (HasMetadata object : before) {
            if (object instanceof StatefulSet || object instanceof Deployment) {
                HasMetadata after = rotated.stream().filter(o -> o.getKind().equals(object.getKind())
                        && o.getMetadata().getName().equals(object.getMetadata().getName())).findFirst().orElseThrow();
                assertThat(HelmChart.yaml(after)).as("%s after a rotation step", object.getMetadata().getName())
                        .isEqualTo(HelmChart.yaml(object));
            }
        }
        assertThat(one(before, Secret.class, "kv-secret")).isNotEqualTo(one(rotated, Secret.class, "kv-secret"));

        List<HasMetadata> newPassword = objects(render(Map.of("auth.clusterSecret", "a-secret",
                "auth.adminPassword", "another-password")));
        assertThat(one(newPassword, Deployment.class, "kv-admin").getSpec().getTemplate().getMetadata()
                .getAnnotations().get("checksum/auth")).isNotEqualTo(one(before, Deployment.class, "kv-admin")
                .getSpec().getTemplate().getMetadata().getAnnotations().get("checksum/auth"));
    }

    /** The ingress policy of a component's pods: kv-node, kv-gateway or kv-admin. */
    private static NetworkPolicy ingressPolicy(List<HasMetadata> objects, String name) {
        NetworkPolicy policy = one(objects, NetworkPolicy.class, name);
        assertThat(policy.getSpec().getPolicyTypes()).contains("Ingress");
        return policy;
    }

    /** What an ingress policy admits: for each port of its rules, the peers of the rules naming it ("*": everyone). */
    private static Map<Integer, List<NetworkPolicyPeer>> ingressByPort(NetworkPolicy policy) {
        Map<Integer, List<NetworkPolicyPeer>> admitted = new TreeMap<>();
        for (NetworkPolicyIngressRule rule : policy.getSpec().getIngress()) {
            // A rule without ports would open every port of the pod, the management port included.
            assertThat(rule.getPorts()).as("every ingress rule of %s names its ports", policy.getMetadata().getName())
                    .isNotEmpty();
            for (NetworkPolicyPort port : rule.getPorts()) {
                assertThat(port.getEndPort()).isNull();
                assertThat(port.getPort().getIntVal()).as("ports by number").isNotNull();
                List<NetworkPolicyPeer> peers = admitted.computeIfAbsent(port.getPort().getIntVal(),
                        p -> new ArrayList<>());
                if (rule.getFrom() == null || rule.getFrom().isEmpty()) {
                    peers.add(null);
                } else {
                    peers.addAll(rule.getFrom());
                }
            }
        }
        return admitted;
    }

    /**
     * The management port of every component (Actuator: metrics, health details for the secret's holders) admits
     * Prometheus only: by default pods labelled {@code app.kubernetes.io/name: prometheus} in any namespace, else
     * the peers of {@code networkPolicy.prometheusFrom}, and no one when that is empty (no rule: a rule without peers
     * would admit everyone). The data ports keep their rules.
     */
    @Test
    void theManagementPortsAdmitOnlyPrometheus() {
        Map<String, List<Integer>> ports = Map.of("kv-node", List.of(7101, 7201), "kv-gateway", List.of(8080, 8081),
                "kv-admin", List.of(8090, 8091));
        List<HasMetadata> defaults = objects(render(Map.of()));
        ports.forEach((name, expected) -> {
            Map<Integer, List<NetworkPolicyPeer>> admitted = ingressByPort(ingressPolicy(defaults, name));
            assertThat(admitted).as(name).containsOnlyKeys(expected);
            assertThat(admitted.get(expected.get(1))).as("who reaches the management port of %s", name)
                    .singleElement().satisfies(peer -> {
                        // Pods labelled app.kubernetes.io/name=prometheus, in any namespace.
                        assertThat(peer.getIpBlock()).isNull();
                        assertThat(peer.getNamespaceSelector()).isNotNull();
                        assertThat(peer.getNamespaceSelector().getMatchLabels()).isNullOrEmpty();
                        assertThat(peer.getNamespaceSelector().getMatchExpressions()).isNullOrEmpty();
                        assertThat(peer.getPodSelector().getMatchLabels())
                                .containsExactly(Map.entry("app.kubernetes.io/name", "prometheus"));
                        assertThat(peer.getPodSelector().getMatchExpressions()).isNullOrEmpty();
                    });
        });
        // The data ports as before: the nodes' from this release's pods, the gateways' and dashboard's from anyone.
        assertThat(ingressByPort(ingressPolicy(defaults, "kv-node")).get(7101))
                .extracting(p -> p.getPodSelector().getMatchLabels().get("app.kubernetes.io/component"))
                .containsExactlyInAnyOrder("node", "gateway", "admin");
        NetworkPolicyPeer fromAnywhere = null; // ingressByPort's entry for a rule without "from"
        assertThat(ingressByPort(ingressPolicy(defaults, "kv-gateway")).get(8080)).containsExactly(fromAnywhere);
        assertThat(ingressByPort(ingressPolicy(defaults, "kv-admin")).get(8090)).containsExactly(fromAnywhere);

        // Narrowed to a namespace, on moved ports.
        List<HasMetadata> narrowed = objects(render(Map.of(
                "networkPolicy.prometheusFrom[0].namespaceSelector.matchLabels.kubernetes\\.io/metadata\\.name",
                "monitoring", "node.managementPort", 9101, "gateway.managementPort", 9102,
                "admin.managementPort", 9103)));
        Map<String, Integer> moved = Map.of("kv-node", 9101, "kv-gateway", 9102, "kv-admin", 9103);
        moved.forEach((name, management) -> {
            Map<Integer, List<NetworkPolicyPeer>> admitted = ingressByPort(ingressPolicy(narrowed, name));
            assertThat(admitted).as(name).containsOnlyKeys(ports.get(name).get(0), management);
            assertThat(admitted.get(management)).singleElement().satisfies(peer -> {
                assertThat(peer.getPodSelector()).isNull();
                assertThat(peer.getNamespaceSelector().getMatchLabels())
                        .containsExactly(Map.entry("kubernetes.io/metadata.name", "monitoring"));
            });
        });

        // Empty: no one (no rule names the management port, and every rule names its ports).
        List<HasMetadata> none = objects(render(Map.of("networkPolicy.prometheusFrom", "null")));
        ports.forEach((name, expected) -> assertThat(ingressByPort(ingressPolicy(none, name)))
                .as(name).containsOnlyKeys(expected.get(0)));

        // No pod of the chart needs another's management port: no egress rule opens one.
        for (HasMetadata object : objectsAndHooks(Map.of())) {
            if (object instanceof NetworkPolicy policy && policy.getSpec().getEgress() != null) {
                assertThat(policy.getSpec().getEgress()).flatExtracting(NetworkPolicyEgressRule::getPorts)
                        .extracting(p -> p.getPort().getIntVal()).as(policy.getMetadata().getName())
                        .doesNotContain(7201, 8081, 8091);
            }
        }
        assertThatThrownBy(() -> render(Map.of("networkPolicy.prometheusFrom[0].podSelectr.matchLabels.app", "x")))
                .hasMessageContaining("prometheusFrom");
    }

    /**
     * With a ServiceMonitor, Prometheus scrapes {@code /actuator/prometheus} on the management port: each component's
     * ServiceMonitor selects exactly one Service, a headless one whose only port is the pods' management port, and
     * which selects that component's pods. The components' own Services (NodePorts or load balancers, possibly) never
     * carry the management port.
     */
    @Test
    void serviceMonitorsScrapeTheManagementPortThroughAMetricsServiceOfItsOwn() {
        List<HasMetadata> objects = objects(render(Map.of("metrics.serviceMonitor.enabled", true,
                "gateway.service.type", "LoadBalancer", "gateway.managementPort", 9102)));
        List<Service> services = objects.stream().filter(Service.class::isInstance).map(Service.class::cast).toList();
        Map<String, Integer> components = Map.of("node", 7201, "gateway", 9102, "admin", 8091);
        components.forEach((component, management) -> {
            GenericKubernetesResource monitor = one(objects, GenericKubernetesResource.class, "kv-" + component);
            assertThat(monitor.getKind()).isEqualTo("ServiceMonitor");
            @SuppressWarnings("unchecked")
            Map<String, Object> spec = (Map<String, Object>) monitor.getAdditionalProperties().get("spec");
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> endpoints = (List<Map<String, Object>>) spec.get("endpoints");
            assertThat(endpoints).singleElement().satisfies(endpoint -> {
                assertThat(endpoint).containsEntry("port", "management").containsEntry("path", "/actuator/prometheus");
            });
            @SuppressWarnings("unchecked")
            Map<String, String> selector = (Map<String, String>) ((Map<String, Object>) spec.get("selector"))
                    .get("matchLabels");
            List<Service> selected = services.stream()
                    .filter(s -> s.getMetadata().getLabels().entrySet().containsAll(selector.entrySet())).toList();
            assertThat(selected).as("the Services the ServiceMonitor of %s selects", component).hasSize(1);
            Service service = selected.getFirst();
            assertThat(service.getMetadata().getName()).isEqualTo("kv-" + component + "-metrics");
            assertThat(service.getSpec().getClusterIP()).isEqualTo("None");
            assertThat(service.getSpec().getPorts()).singleElement().satisfies(port -> {
                assertThat(port.getName()).isEqualTo("management");
                assertThat(port.getPort()).isEqualTo(management);
                assertThat(port.getTargetPort().getStrVal()).isEqualTo("management");
            });
            PodTemplateSpec pods = template(objects, "kv-" + component);
            assertThat(pods.getMetadata().getLabels()).containsAllEntriesOf(service.getSpec().getSelector());
            assertThat(pods.getSpec().getContainers().getFirst().getPorts())
                    .anySatisfy(p -> assertThat(p.getName() + "=" + p.getContainerPort())
                            .isEqualTo("management=" + management));
            // A ServiceMonitor replaces the scrape annotations.
            assertThat(pods.getMetadata().getAnnotations()).doesNotContainKeys("prometheus.io/scrape",
                    "prometheus.io/port");
        });
        for (Service service : services) {
            if (!service.getMetadata().getName().endsWith("-metrics")) {
                assertThat(service.getSpec().getPorts()).as(service.getMetadata().getName())
                        .extracting(ServicePort::getName).containsExactly("http");
            }
        }
        // Without a ServiceMonitor there are no metrics Services.
        assertThat(objects(render(Map.of()))).noneMatch(o -> o.getMetadata().getName().endsWith("-metrics"));
    }

    /** The env of every container of the chart's workloads, by workload. */
    private static Map<String, Map<String, String>> workloadEnv(List<HasMetadata> objects) {
        Map<String, Map<String, String>> all = new TreeMap<>();
        for (String workload : List.of("kv-node", "kv-gateway", "kv-admin")) {
            all.put(workload, env(template(objects, workload).getSpec().getContainers().getFirst()));
        }
        return all;
    }

    private static final List<String> LIMIT_VARIABLES = List.of("KV_LIMITS_BODYBUDGET",
            "KV_GATEWAY_RATELIMIT_PERCLIENT", "KV_ADMIN_ALLOWEDHOSTS");

    /**
     * The limits reach the services' environment only when set, so that an unset value leaves the service's own
     * default (an eighth of its heap, no rate limit, no Host check beyond the login).
     */
    @Test
    void limitsReachTheEnvironmentOnlyWhenSet(@TempDir Path dir) throws Exception {
        workloadEnv(objects(render(Map.of()))).forEach((workload, env) ->
                assertThat(env).as(workload).doesNotContainKeys(LIMIT_VARIABLES.toArray(String[]::new)));

        Map<String, Map<String, String>> set = workloadEnv(objects(render(Map.of("limits.bodyBudget", "64MB",
                "gateway.rateLimitPerClient", 250, "admin.allowedHosts[0]", "Dash.Example.test",
                "admin.allowedHosts[1]", "10.0.0.7"))));
        set.forEach((workload, env) -> assertThat(env).as(workload).containsEntry("KV_LIMITS_BODYBUDGET", "64MB"));
        assertThat(set.get("kv-gateway")).containsEntry("KV_GATEWAY_RATELIMIT_PERCLIENT", "250");
        assertThat(set.get("kv-admin")).containsEntry("KV_ADMIN_ALLOWEDHOSTS", "dash.example.test,10.0.0.7");
        assertThat(set.get("kv-node")).doesNotContainKeys("KV_GATEWAY_RATELIMIT_PERCLIENT", "KV_ADMIN_ALLOWEDHOSTS");
        assertThat(set.get("kv-admin")).doesNotContainKey("KV_GATEWAY_RATELIMIT_PERCLIENT");

        // The dashboard's Ingress host is allowed by default, and added to a list given (not a wildcard host).
        assertThat(workloadEnv(objects(render(Map.of("admin.ingress.enabled", true, "admin.ingress.host",
                "kv-admin.example.test")))).get("kv-admin"))
                .containsEntry("KV_ADMIN_ALLOWEDHOSTS", "kv-admin.example.test");
        assertThat(workloadEnv(objects(render(Map.of("admin.ingress.enabled", true, "admin.ingress.host",
                "kv-admin.example.test", "admin.allowedHosts[0]", "dash.example.test")))).get("kv-admin"))
                .containsEntry("KV_ADMIN_ALLOWEDHOSTS", "dash.example.test,kv-admin.example.test");
        assertThat(workloadEnv(objects(render(Map.of("admin.ingress.enabled", true, "admin.ingress.host",
                "*.example.test")))).get("kv-admin")).doesNotContainKey("KV_ADMIN_ALLOWEDHOSTS");
        assertThat(workloadEnv(objects(render(Map.of("admin.ingress.host", "kv-admin.example.test"))))
                .get("kv-admin")).as("Ingress off").doesNotContainKey("KV_ADMIN_ALLOWEDHOSTS");

        // From a values file, where YAML numbers are floats to Helm: a large rate stays an integer.
        Path values = dir.resolve("values.yaml");
        Files.writeString(values, "gateway:\n  rateLimitPerClient: 1000000\nlimits:\n  bodyBudget: 512KB\n");
        String rendered = HelmChart.helm().template().withName(HelmChart.RELEASE).withNamespace(NAMESPACE)
                .withKubeVersion(HelmChart.KUBE_VERSION).withValuesFile(values)
                .set("auth.clusterSecret", "test-cluster-secret").set("auth.adminPassword", "test-admin-password")
                .call();
        Map<String, Map<String, String>> fromFile = workloadEnv(objects(rendered));
        assertThat(fromFile.get("kv-gateway")).containsEntry("KV_GATEWAY_RATELIMIT_PERCLIENT", "1000000")
                .containsEntry("KV_LIMITS_BODYBUDGET", "512KB");
    }

    @Test
    void theValuesSchemaRejectsBadLimits() {
        assertThatThrownBy(() -> render(Map.of("gateway.rateLimitPerClient", -1)))
                .hasMessageContaining("rateLimitPerClient");
        assertThatThrownBy(() -> render(Map.of("gateway.rateLimitPerClient", "fast")))
                .hasMessageContaining("rateLimitPerClient");
        for (String budget : List.of("64mb", "0MB", "64 MB", "1TB", "-1MB", "lots")) {
            assertThatThrownBy(() -> render(Map.of("limits.bodyBudget", budget))).as(budget)
                    .hasMessageContaining("bodyBudget");
        }
        assertThatThrownBy(() -> render(Map.of("limits.bodyBudgets", "64MB"))).hasMessageContaining("bodyBudgets");
        for (String host : List.of("kv.example.test:8090", "*.example.test", "https://kv.example.test", "a b")) {
            assertThatThrownBy(() -> render(Map.of("admin.allowedHosts[0]", host))).as(host)
                    .hasMessageContaining("allowedHosts");
        }
        assertThatThrownBy(() -> render(Map.of("admin.allowedHosts", "kv.example.test")))
                .hasMessageContaining("allowedHosts");
    }

    /**
     * What an egress policy admits, one entry per peer and port: {@code node:7101/TCP} for this release's pods of
     * that component, {@code *:53/UDP} for any destination.
     */
    private static Set<String> egress(NetworkPolicy policy) {
        Set<String> admitted = new TreeSet<>();
        for (NetworkPolicyEgressRule rule : policy.getSpec().getEgress()) {
            List<String> peers = new ArrayList<>();
            if (rule.getTo() == null || rule.getTo().isEmpty()) {
                peers.add("*");
            } else {
                for (NetworkPolicyPeer peer : rule.getTo()) {
                    assertThat(peer.getIpBlock()).isNull();
                    assertThat(peer.getNamespaceSelector()).as("a peer in the release's namespace").isNull();
                    assertThat(peer.getPodSelector().getMatchExpressions()).isNullOrEmpty();
                    Map<String, String> labels = peer.getPodSelector().getMatchLabels();
                    assertThat(labels).containsEntry("app.kubernetes.io/instance", "kv")
                            .containsEntry("app.kubernetes.io/name", "kv").hasSize(3);
                    peers.add(labels.get("app.kubernetes.io/component"));
                }
            }
            assertThat(rule.getPorts()).as("every egress rule names its ports").isNotEmpty();
            for (String peer : peers) {
                for (NetworkPolicyPort port : rule.getPorts()) {
                    assertThat(port.getEndPort()).isNull();
                    admitted.add(peer + ":" + port.getPort().getIntVal() + "/" + port.getProtocol());
                }
            }
        }
        return admitted;
    }

    /** The NetworkPolicies that restrict egress, by the component their pods are. */
    private static Map<String, NetworkPolicy> egressPolicies(List<HasMetadata> objects) {
        Map<String, NetworkPolicy> policies = new TreeMap<>();
        for (HasMetadata object : objects) {
            if (object instanceof NetworkPolicy policy && policy.getSpec().getPolicyTypes().contains("Egress")) {
                Map<String, String> selector = policy.getSpec().getPodSelector().getMatchLabels();
                assertThat(selector).containsEntry("app.kubernetes.io/instance", "kv");
                assertThat(policies.put(selector.get("app.kubernetes.io/component"), policy))
                        .as("one egress policy per component").isNull();
            } else if (object instanceof NetworkPolicy policy) {
                assertThat(policy.getSpec().getEgress()).isNullOrEmpty();
            }
        }
        return policies;
    }

    @Test
    void egressPoliciesLetEveryPodReachOnlyItsPeersHttpPortsAndDns() {
        List<String> dns = List.of("*:53/TCP", "*:53/UDP");
        List<HasMetadata> objects = objectsAndHooks(Map.of());
        Map<String, NetworkPolicy> policies = egressPolicies(objects);

        assertThat(policies).containsOnlyKeys("node", "gateway", "admin", "scale-down", "test");
        Map<String, Set<String>> admitted = new TreeMap<>();
        policies.forEach((component, policy) -> admitted.put(component, egress(policy)));
        assertThat(admitted.get("node")).containsExactlyInAnyOrderElementsOf(plus(dns, "node:7101/TCP"));
        assertThat(admitted.get("gateway")).containsExactlyInAnyOrderElementsOf(plus(dns, "node:7101/TCP"));
        assertThat(admitted.get("admin"))
                .containsExactlyInAnyOrderElementsOf(plus(dns, "gateway:8080/TCP", "node:7101/TCP"));
        assertThat(admitted.get("scale-down")).containsExactlyInAnyOrderElementsOf(plus(dns, "gateway:8080/TCP"));
        assertThat(admitted.get("test")).containsExactlyInAnyOrderElementsOf(plus(dns, "gateway:8080/TCP"));
        assertThat(one(objects, NetworkPolicy.class, "kv-node-scale-down").getSpec().getPolicyTypes())
                .containsExactly("Egress");

        // Every pod of the chart is restricted by the policy of its component, and by no other.
        for (HasMetadata object : objects) {
            if (podSpec(object) == null) {
                continue;
            }
            Map<String, String> labels = podLabels(object);
            assertThat(policies.entrySet().stream()
                    .filter(e -> labels.entrySet().containsAll(
                            e.getValue().getSpec().getPodSelector().getMatchLabels().entrySet()))
                    .map(Map.Entry::getKey).toList())
                    .as("egress policies of %s", object.getMetadata().getName())
                    .containsExactly(labels.get("app.kubernetes.io/component"));
        }

        // The ports follow the values: the pods' ports, not the Services'.
        Map<String, NetworkPolicy> moved = egressPolicies(objectsAndHooks(Map.of("node.port", 7200,
                "gateway.port", 8082, "gateway.service.port", 80)));
        assertThat(egress(moved.get("admin")))
                .containsExactlyInAnyOrderElementsOf(plus(dns, "gateway:8082/TCP", "node:7200/TCP"));
        assertThat(egress(moved.get("gateway"))).containsExactlyInAnyOrderElementsOf(plus(dns, "node:7200/TCP"));
    }

    private static List<String> plus(List<String> list, String... more) {
        List<String> all = new ArrayList<>(list);
        all.addAll(List.of(more));
        return all;
    }

    @Test
    void egressRestrictionsFollowTheirValues() {
        // Off: no policy restricts egress, and the ingress policies stay.
        List<HasMetadata> open = objectsAndHooks(Map.of("networkPolicy.egress.enabled", false));
        assertThat(egressPolicies(open)).isEmpty();
        assertThat(open).filteredOn(NetworkPolicy.class::isInstance).extracting(o -> o.getMetadata().getName())
                .containsExactlyInAnyOrder("kv-node", "kv-gateway", "kv-admin");
        assertThat(objectsAndHooks(Map.of("networkPolicy.enabled", false)))
                .noneMatch(NetworkPolicy.class::isInstance);

        // Components that are off have no policy.
        assertThat(egressPolicies(objectsAndHooks(Map.of("admin.enabled", false, "scaleDown.enabled", false))))
                .containsOnlyKeys("node", "gateway", "test");

        // DNS restricted to the cluster's DNS pods; extra rules reach every policy.
        Map<String, NetworkPolicy> restricted = egressPolicies(objectsAndHooks(Map.of(
                "networkPolicy.egress.dnsTo[0].namespaceSelector.matchLabels.kubernetes\\.io/metadata\\.name",
                "kube-system",
                "networkPolicy.egress.dnsTo[0].podSelector.matchLabels.k8s-app", "kube-dns",
                "networkPolicy.egress.extraRules[0].to[0].ipBlock.cidr", "10.9.0.0/16",
                "networkPolicy.egress.extraRules[0].ports[0].port", 4317)));
        assertThat(restricted).hasSize(5).allSatisfy((component, policy) -> {
            NetworkPolicyEgressRule dnsRule = policy.getSpec().getEgress().stream()
                    .filter(r -> r.getPorts().stream()
                            .anyMatch(p -> Integer.valueOf(53).equals(p.getPort().getIntVal())))
                    .findFirst().orElseThrow();
            assertThat(dnsRule.getTo()).singleElement().satisfies(peer -> {
                assertThat(peer.getNamespaceSelector().getMatchLabels())
                        .containsExactly(Map.entry("kubernetes.io/metadata.name", "kube-system"));
                assertThat(peer.getPodSelector().getMatchLabels()).containsExactly(Map.entry("k8s-app", "kube-dns"));
            });
            assertThat(policy.getSpec().getEgress().getLast().getTo()).singleElement()
                    .satisfies(peer -> assertThat(peer.getIpBlock().getCidr()).isEqualTo("10.9.0.0/16"));
        });
        assertThatThrownBy(() -> render(Map.of("networkPolicy.egress.dns", "kube-dns")))
                .hasMessageContaining("dns");
    }

    private static final String BILLING_DIGEST = "E05743A45BEFFD350076793853C385985D16127F3B1EA116D466CF0D5AD5916F";
    private static final String OPS_DIGEST = "1e32259f292a24dd7236f62c576b6c15dbea0cb879bed6b8ae2d42838d255038";

    /** The container of a pod by its name. */
    private static Container container(PodSpec pod, String name) {
        return pod.getContainers().stream().filter(c -> c.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no container " + name));
    }

    /**
     * The Secret volume a container mounts as {@code name} at {@code path}: mounted read-only and without subPath (a
     * subPath mount is never updated by the kubelet), holding exactly {@code keys} of the Secret under their own names.
     */
    private static Volume mountedSecret(PodSpec pod, Container container, String name, String path, String secret,
                                        String... keys) {
        VolumeMount mount = container.getVolumeMounts().stream().filter(m -> m.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no volume mount " + name + " in " + container.getName()));
        assertThat(mount.getMountPath()).as("mount %s", name).isEqualTo(path);
        assertThat(mount.getReadOnly()).as("mount %s read-only", name).isTrue();
        assertThat(mount.getSubPath()).as("mount %s without subPath", name).isNull();
        assertThat(mount.getSubPathExpr()).as("mount %s without subPathExpr", name).isNull();
        Volume volume = pod.getVolumes().stream().filter(v -> v.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no volume " + name));
        assertThat(volume.getSecret()).as("volume %s is a Secret", name).isNotNull();
        assertThat(volume.getSecret().getSecretName()).as("Secret of volume %s", name).isEqualTo(secret);
        assertThat(volume.getSecret().getItems()).as("keys of volume %s", name)
                .extracting(k -> k.getKey() + "=" + k.getPath())
                .containsExactlyInAnyOrderElementsOf(List.of(keys).stream().map(k -> k + "=" + k).toList());
        return volume;
    }

    /** No container of these objects mounts anything with subPath. */
    private static void noSubPath(List<HasMetadata> objects) {
        for (HasMetadata object : objects) {
            PodSpec pod = podSpec(object);
            if (pod != null) {
                for (Container container : pod.getContainers()) {
                    assertThat(container.getVolumeMounts()).as("mounts of %s", object.getMetadata().getName())
                            .allSatisfy(m -> {
                                assertThat(m.getSubPath()).isNull();
                                assertThat(m.getSubPathExpr()).isNull();
                            });
                }
            }
        }
    }

    /** The env of TLS on a component's data port: the PEM files of the mounted Secret, reloaded on renewal. */
    private static void servesTls(Map<String, String> env) {
        assertThat(env).containsEntry("SERVER_SSL_BUNDLE", "public")
                .containsEntry("SPRING_SSL_BUNDLE_PEM_PUBLIC_KEYSTORE_CERTIFICATE", "file:/etc/kv/tls/tls.crt")
                .containsEntry("SPRING_SSL_BUNDLE_PEM_PUBLIC_KEYSTORE_PRIVATEKEY", "file:/etc/kv/tls/tls.key")
                .containsEntry("SPRING_SSL_BUNDLE_PEM_PUBLIC_RELOADONUPDATE", "true")
                .containsEntry("MANAGEMENT_SERVER_SSL_ENABLED", "false");
    }

    private static final List<String> TLS_AND_AUTH_VARIABLES = List.of("SERVER_SSL_BUNDLE",
            "SPRING_SSL_BUNDLE_PEM_PUBLIC_KEYSTORE_CERTIFICATE", "SPRING_SSL_BUNDLE_PEM_PUBLIC_KEYSTORE_PRIVATEKEY",
            "SPRING_SSL_BUNDLE_PEM_PUBLIC_RELOADONUPDATE", "MANAGEMENT_SERVER_SSL_ENABLED", "KV_ADMIN_GATEWAYSSLBUNDLE",
            "SPRING_SSL_BUNDLE_PEM_GATEWAYCA_TRUSTSTORE_CERTIFICATE", "SPRING_CONFIG_IMPORT", "KV_GATEWAY_AUTH_ENABLED",
            "GATEWAY_CA_FILE");

    /** The data port of a workload's container, its probes and its Service: named {@code name}, probes unmoved. */
    private static void dataPortNamed(List<HasMetadata> objects, String workload, String name, int port,
                                      int management) {
        Container container = template(objects, workload).getSpec().getContainers().getFirst();
        assertThat(container.getPorts()).extracting(p -> p.getName() + "=" + p.getContainerPort())
                .containsExactlyInAnyOrder(name + "=" + port, "management=" + management);
        for (Probe probe : List.of(container.getStartupProbe(), container.getLivenessProbe(),
                container.getReadinessProbe())) {
            assertThat(probe.getHttpGet().getPort().getStrVal()).isEqualTo("management");
            assertThat(probe.getHttpGet().getScheme()).as("probes stay plain HTTP").isIn(null, "HTTP");
        }
        ServicePort servicePort = one(objects, Service.class, workload).getSpec().getPorts().getFirst();
        assertThat(servicePort.getName()).isEqualTo(name);
        assertThat(servicePort.getTargetPort().getStrVal()).isEqualTo(name);
        assertThat(servicePort.getAppProtocol()).isEqualTo(name.equals("https") ? "https" : null);
    }

    /**
     * The gateway over TLS from a kubernetes.io/tls Secret of one's own: its data port serves the Secret's PEM files
     * (mounted read-only, no subPath, reloaded on renewal), its management port and probes stay plain HTTP, its ports
     * are named https; the dashboard, the scale-down hook and the test pod call https and trust the CA (the Secret's
     * ca.crt, or gateway.tls.caSecret's); an nginx Ingress speaks HTTPS to it.
     */
    @Test
    void theGatewayServesTlsFromAnExistingSecretAndItsCallersTrustItsCa() {
        Map<String, Object> values = Map.of("gateway.tls.enabled", true, "gateway.tls.existingSecret", "kv-gw-tls",
                "gateway.ingress.enabled", true, "gateway.ingress.className", "nginx");
        List<HasMetadata> objects = objectsAndHooks(values);
        noSubPath(objects);
        assertThat(objects).noneMatch(o -> o.getKind().equals("Certificate"));

        PodSpec gateway = template(objects, "kv-gateway").getSpec();
        Container gatewayContainer = container(gateway, "gateway");
        servesTls(env(gatewayContainer));
        Volume tls = mountedSecret(gateway, gatewayContainer, "tls", "/etc/kv/tls", "kv-gw-tls", "tls.crt",
                "tls.key");
        assertThat(tls.getSecret().getDefaultMode()).isEqualTo(0440);
        assertThat(tls.getSecret().getOptional()).as("the gateway waits for its certificate").isNotEqualTo(true);
        dataPortNamed(objects, "kv-gateway", "https", 8080, 8081);
        // The cluster secret as before.
        mountedSecret(gateway, gatewayContainer, "cluster-secret", "/etc/kv/cluster-secret", "kv-secret",
                "cluster-secret");

        // The nodes know nothing of it; the dashboard's own port stays plain HTTP.
        assertThat(env(template(objects, "kv-node").getSpec().getContainers().getFirst()))
                .doesNotContainKeys(TLS_AND_AUTH_VARIABLES.toArray(String[]::new));
        dataPortNamed(objects, "kv-admin", "http", 8090, 8091);

        dashboardCallsHttpsTrustingTheCaOf(objects, "kv-gw-tls");
        hookAndTestPodCallHttpsTrustingTheCaOf(objects, "kv-gw-tls");
        ingressesSpeakHttpsToATlsGateway(objects);

        // A CA of its own: gateway.tls.caSecret's ca.crt, for the dashboard and both hooks.
        List<HasMetadata> withCa = objectsAndHooks(Map.of("gateway.tls.enabled", true,
                "gateway.tls.existingSecret", "kv-gw-tls", "gateway.tls.caSecret", "kv-private-ca"));
        for (HasMetadata object : withCa) {
            PodSpec pod = podSpec(object);
            if (pod != null && !(object instanceof StatefulSet)
                    && !object.getMetadata().getName().equals("kv-gateway")) {
                mountedSecret(pod, pod.getContainers().getFirst(), "gateway-ca", "/etc/kv/gateway-ca",
                        "kv-private-ca", "ca.crt");
            }
        }
        mountedSecret(template(withCa, "kv-gateway").getSpec(), template(withCa, "kv-gateway").getSpec()
                .getContainers().getFirst(), "tls", "/etc/kv/tls", "kv-gw-tls", "tls.crt", "tls.key");

        // Off (the default): nothing of it anywhere.
        List<HasMetadata> defaults = objectsAndHooks(Map.of());
        for (HasMetadata object : defaults) {
            PodSpec pod = podSpec(object);
            if (pod != null) {
                assertThat(env(pod.getContainers().getFirst())).as(object.getMetadata().getName())
                        .doesNotContainKeys(TLS_AND_AUTH_VARIABLES.toArray(String[]::new));
                assertThat(pod.getVolumes()).extracting(Volume::getName).doesNotContain("tls", "gateway-ca",
                        "clients");
            }
        }
        assertThat(env(one(defaults, Job.class, "kv-node-scale-down").getSpec().getTemplate().getSpec()
                .getContainers().getFirst())).containsEntry("GATEWAY_URL", "http://kv-gateway:8080");
    }

    /** The dashboard calls the gateway over https and trusts the CA in {@code caSecret}'s ca.crt. */
    private static void dashboardCallsHttpsTrustingTheCaOf(List<HasMetadata> objects, String caSecret) {
        // The dashboard calls https and trusts the CA in the Secret's ca.crt (bundle gatewayca, no dash: env names).
        PodSpec admin = template(objects, "kv-admin").getSpec();
        Container adminContainer = container(admin, "admin");
        assertThat(env(adminContainer)).containsEntry("KV_ADMIN_GATEWAYURL", "https://kv-gateway:8080")
                .containsEntry("KV_ADMIN_GATEWAYSSLBUNDLE", "gatewayca")
                .containsEntry("SPRING_SSL_BUNDLE_PEM_GATEWAYCA_TRUSTSTORE_CERTIFICATE",
                        "file:/etc/kv/gateway-ca/ca.crt")
                .doesNotContainKeys("SERVER_SSL_BUNDLE", "SPRING_SSL_BUNDLE_PEM_PUBLIC_KEYSTORE_CERTIFICATE");
        mountedSecret(admin, adminContainer, "gateway-ca", "/etc/kv/gateway-ca", caSecret, "ca.crt");
        assertThat(admin.getVolumes()).extracting(Volume::getName).doesNotContain("tls");
    }

    /**
     * The scale-down hook and the test pod call the gateway over https and trust the CA in {@code caSecret}'s ca.crt.
     */
    private static void hookAndTestPodCallHttpsTrustingTheCaOf(List<HasMetadata> objects, String caSecret) {
        // The scale-down hook and the test pod: https, curl --cacert with the same CA (an optional volume: a missing
        // ca.crt is a clear failure of the script rather than a pod that never starts).
        Job job = one(objects, Job.class, "kv-node-scale-down");
        PodSpec hook = job.getSpec().getTemplate().getSpec();
        Container hookContainer = container(hook, "scale-down");
        assertThat(env(hookContainer)).containsEntry("GATEWAY_URL", "https://kv-gateway:8080")
                .containsEntry("GATEWAY_CA_FILE", "/etc/kv/gateway-ca/ca.crt");
        assertThat(mountedSecret(hook, hookContainer, "gateway-ca", "/etc/kv/gateway-ca", caSecret, "ca.crt")
                .getSecret().getOptional()).isTrue();
        String script = hookContainer.getCommand().get(2);
        assertThat(script).contains("set -- --cacert \"$GATEWAY_CA_FILE\" \"$@\"")
                .contains("no CA certificate at $GATEWAY_CA_FILE");
        Pod test = one(objects, Pod.class, "kv-test-roundtrip");
        Container testContainer = container(test.getSpec(), "roundtrip");
        assertThat(env(testContainer)).containsEntry("GATEWAY_URL", "https://kv-gateway:8080")
                .containsEntry("GATEWAY_CA_FILE", "/etc/kv/gateway-ca/ca.crt")
                .doesNotContainKey("KV_CLUSTER_SECRET_FILE");
        assertThat(mountedSecret(test.getSpec(), testContainer, "gateway-ca", "/etc/kv/gateway-ca", caSecret,
                "ca.crt").getSecret().getOptional()).isTrue();
        assertThat(testContainer.getCommand().get(2)).contains("--cacert \"${GATEWAY_CA_FILE}\"")
                .contains("status=\"$(gateway_curl ");
        assertThat(test.getSpec().getVolumes()).extracting(Volume::getName).doesNotContain("cluster-secret");
    }

    /** An nginx Ingress speaks HTTPS to a TLS gateway; other classes and a plain gateway get no annotation. */
    private static void ingressesSpeakHttpsToATlsGateway(List<HasMetadata> objects) {
        // The Ingress reaches the pods' https port, over HTTPS (nginx: the backend-protocol annotation).
        var ingress = one(objects, io.fabric8.kubernetes.api.model.networking.v1.Ingress.class, "kv-gateway");
        assertThat(ingress.getMetadata().getAnnotations())
                .containsEntry("nginx.ingress.kubernetes.io/backend-protocol", "HTTPS");
        assertThat(ingress.getSpec().getRules().getFirst().getHttp().getPaths().getFirst().getBackend().getService()
                .getPort().getName()).isEqualTo("https");
        // Another class: no nginx annotation; an annotation given wins over the chart's.
        assertThat(one(objects(render(Map.of("gateway.tls.enabled", true, "gateway.tls.existingSecret", "kv-gw-tls",
                "gateway.ingress.enabled", true, "gateway.ingress.className", "traefik"))),
                io.fabric8.kubernetes.api.model.networking.v1.Ingress.class, "kv-gateway").getMetadata()
                .getAnnotations()).isNullOrEmpty();
        assertThat(one(objects(render(Map.of("gateway.tls.enabled", true, "gateway.tls.existingSecret", "kv-gw-tls",
                "gateway.ingress.enabled", true, "gateway.ingress.className", "nginx",
                "gateway.ingress.annotations.nginx\\.ingress\\.kubernetes\\.io/backend-protocol", "GRPCS"))),
                io.fabric8.kubernetes.api.model.networking.v1.Ingress.class, "kv-gateway").getMetadata()
                .getAnnotations()).containsEntry("nginx.ingress.kubernetes.io/backend-protocol", "GRPCS");
        // Without gateway TLS, an nginx Ingress gets no annotation and the port named http.
        var plain = one(objects(render(Map.of("gateway.ingress.enabled", true, "gateway.ingress.className", "nginx"))),
                io.fabric8.kubernetes.api.model.networking.v1.Ingress.class, "kv-gateway");
        assertThat(plain.getMetadata().getAnnotations()).isNullOrEmpty();
        assertThat(plain.getSpec().getRules().getFirst().getHttp().getPaths().getFirst().getBackend().getService()
                .getPort().getName()).isEqualTo("http");
    }

    @SuppressWarnings("unchecked")
    private static <T> T at(Object object, String... path) {
        Object current = object;
        for (String key : path) {
            current = ((Map<String, Object>) current).get(key);
        }
        return (T) current;
    }

    /**
     * With cert-manager, a Certificate per component that serves TLS, issued into {@code <fullname>-<component>-tls}
     * with the Service's DNS names (the dashboard and the hooks check the gateway's name) plus those given, a PKCS#8
     * key rotated on renewal; each component mounts its Secret, the dashboard trusts the gateway's ca.crt.
     */
    @Test
    void certManagerIssuesTheCertificatesTheGatewayAndDashboardServe() {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("gateway.tls.enabled", true);
        values.put("gateway.tls.certManager.enabled", true);
        values.put("gateway.tls.certManager.issuerRef.name", "kv-ca");
        values.put("gateway.tls.certManager.issuerRef.kind", "ClusterIssuer");
        values.put("gateway.tls.certManager.dnsNames[0]", "kv.example.test");
        values.put("gateway.tls.certManager.duration", "720h");
        values.put("gateway.tls.certManager.renewBefore", "240h");
        values.put("admin.tls.enabled", true);
        values.put("admin.tls.certManager.enabled", true);
        values.put("admin.tls.certManager.issuerRef.name", "kv-admin-issuer");
        List<HasMetadata> objects = objectsAndHooks(values);
        noSubPath(objects);

        List<GenericKubernetesResource> certificates = objects.stream()
                .filter(o -> o.getKind().equals("Certificate")).map(GenericKubernetesResource.class::cast).toList();
        assertThat(certificates).extracting(c -> c.getMetadata().getName())
                .containsExactlyInAnyOrder("kv-gateway", "kv-admin");
        GenericKubernetesResource gatewayCertificate = one(objects, GenericKubernetesResource.class, "kv-gateway");
        assertThat(gatewayCertificate.getApiVersion()).isEqualTo("cert-manager.io/v1");
        assertThat(gatewayCertificate.getMetadata().getNamespace()).isEqualTo(NAMESPACE);
        Object spec = gatewayCertificate.getAdditionalProperties().get("spec");
        assertThat((String) at(spec, "secretName")).isEqualTo("kv-gateway-tls");
        assertThat((List<String>) at(spec, "dnsNames")).containsExactly("kv-gateway", "kv-gateway." + NAMESPACE,
                "kv-gateway." + NAMESPACE + ".svc", "kv-gateway." + NAMESPACE + ".svc.cluster.local",
                "kv.example.test");
        assertThat((Map<String, Object>) at(spec, "issuerRef")).containsEntry("name", "kv-ca")
                .containsEntry("kind", "ClusterIssuer").containsEntry("group", "cert-manager.io");
        assertThat((String) at(spec, "duration")).isEqualTo("720h");
        assertThat((String) at(spec, "renewBefore")).isEqualTo("240h");
        assertThat((Map<String, Object>) at(spec, "privateKey")).containsEntry("encoding", "PKCS8")
                .containsEntry("rotationPolicy", "Always");
        Object adminSpec = one(objects, GenericKubernetesResource.class, "kv-admin").getAdditionalProperties()
                .get("spec");
        assertThat((String) at(adminSpec, "secretName")).isEqualTo("kv-admin-tls");
        assertThat((List<String>) at(adminSpec, "dnsNames")).startsWith("kv-admin", "kv-admin." + NAMESPACE);
        assertThat((Map<String, Object>) at(adminSpec, "issuerRef")).containsEntry("name", "kv-admin-issuer")
                .containsEntry("kind", "Issuer");
        assertThat((String) at(adminSpec, "duration")).isEqualTo("2160h");

        // Each serves its own Secret; the dashboard trusts the gateway's ca.crt and calls it over https.
        PodSpec gateway = template(objects, "kv-gateway").getSpec();
        servesTls(env(gateway.getContainers().getFirst()));
        mountedSecret(gateway, gateway.getContainers().getFirst(), "tls", "/etc/kv/tls", "kv-gateway-tls",
                "tls.crt", "tls.key");
        PodSpec admin = template(objects, "kv-admin").getSpec();
        Container adminContainer = admin.getContainers().getFirst();
        servesTls(env(adminContainer));
        assertThat(env(adminContainer)).containsEntry("KV_ADMIN_GATEWAYURL", "https://kv-gateway:8080")
                .containsEntry("KV_ADMIN_GATEWAYSSLBUNDLE", "gatewayca");
        mountedSecret(admin, adminContainer, "tls", "/etc/kv/tls", "kv-admin-tls", "tls.crt", "tls.key");
        mountedSecret(admin, adminContainer, "gateway-ca", "/etc/kv/gateway-ca", "kv-gateway-tls", "ca.crt");
        dataPortNamed(objects, "kv-gateway", "https", 8080, 8081);
        dataPortNamed(objects, "kv-admin", "https", 8090, 8091);
        for (String hook : List.of("kv-node-scale-down", "kv-test-roundtrip")) {
            HasMetadata object = objects.stream().filter(o -> o.getMetadata().getName().equals(hook))
                    .filter(o -> podSpec(o) != null).findFirst().orElseThrow();
            PodSpec pod = podSpec(object);
            mountedSecret(pod, pod.getContainers().getFirst(), "gateway-ca", "/etc/kv/gateway-ca", "kv-gateway-tls",
                    "ca.crt");
        }

        // No dashboard, no certificate for it; the TLS values of a component without TLS render nothing.
        Map<String, Object> noDashboard = new LinkedHashMap<>(values);
        noDashboard.put("admin.enabled", false);
        assertThat(objects(render(noDashboard))).filteredOn(o -> o.getKind().equals("Certificate"))
                .extracting(o -> o.getMetadata().getName()).containsExactly("kv-gateway");
        assertThat(objects(render(Map.of("gateway.tls.certManager.enabled", true,
                "gateway.tls.certManager.issuerRef.name", "kv-ca")))).noneMatch(o -> o.getKind().equals("Certificate"));
    }

    private static final List<String> MEMBER_TLS_VARIABLES = List.of("KV_CLUSTER_TLS_BUNDLE",
            "KV_CLUSTER_TLS_ALLOWEDIDENTITIES", "SPRING_SSL_BUNDLE_PEM_MEMBER_KEYSTORE_CERTIFICATE",
            "SPRING_SSL_BUNDLE_PEM_MEMBER_KEYSTORE_PRIVATEKEY", "SPRING_SSL_BUNDLE_PEM_MEMBER_TRUSTSTORE_CERTIFICATE",
            "SPRING_SSL_BUNDLE_PEM_MEMBER_RELOADONUPDATE", "SERVER_SSL_CLIENTAUTH");

    private static Map<String, Object> memberTlsFromCertManager() {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("memberTls.enabled", true);
        values.put("memberTls.certManager.enabled", true);
        values.put("memberTls.certManager.issuerRef.name", "kv-member-ca");
        return values;
    }

    private static Map<String, Object> memberTlsFromExistingSecrets() {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("memberTls.enabled", true);
        values.put("memberTls.existingSecrets.node", "team-node-member");
        values.put("memberTls.existingSecrets.gateway", "team-gateway-member");
        values.put("memberTls.existingSecrets.admin", "team-admin-member");
        return values;
    }

    /**
     * The member TLS of a workload's container: bundle {@code member} from the PEM files of its Secret (mounted
     * read-only at /etc/kv/member-tls without subPath, mode 0440, the keys tls.crt, tls.key and ca.crt), reloaded on
     * renewal, admitting {@code identities}; a node also serves its data port from it and needs client certificates,
     * its management port plain HTTP; the gateway and the dashboard are clients only. Every variable once.
     */
    private static void memberTls(List<HasMetadata> objects, String workload, String secret, String identities) {
        PodSpec pod = template(objects, workload).getSpec();
        Container container = pod.getContainers().getFirst();
        assertThat(container.getEnv()).extracting(EnvVar::getName).as("env of %s", workload).doesNotHaveDuplicates();
        Map<String, String> env = env(container);
        assertThat(env).as(workload).containsEntry("KV_CLUSTER_TLS_BUNDLE", "member")
                .containsEntry("KV_CLUSTER_TLS_ALLOWEDIDENTITIES", identities)
                .containsEntry("SPRING_SSL_BUNDLE_PEM_MEMBER_KEYSTORE_CERTIFICATE", "file:/etc/kv/member-tls/tls.crt")
                .containsEntry("SPRING_SSL_BUNDLE_PEM_MEMBER_KEYSTORE_PRIVATEKEY", "file:/etc/kv/member-tls/tls.key")
                .containsEntry("SPRING_SSL_BUNDLE_PEM_MEMBER_TRUSTSTORE_CERTIFICATE", "file:/etc/kv/member-tls/ca.crt")
                .containsEntry("SPRING_SSL_BUNDLE_PEM_MEMBER_RELOADONUPDATE", "true")
                // The cluster secret stays (the gateway's /admin, the dashboard, plain-HTTP local use).
                .containsEntry("KV_CLUSTER_SECRET_FILE", "/etc/kv/cluster-secret/cluster-secret");
        if (workload.equals("kv-node")) {
            assertThat(env).containsEntry("SERVER_SSL_BUNDLE", "member").containsEntry("SERVER_SSL_CLIENTAUTH", "need")
                    .containsEntry("MANAGEMENT_SERVER_SSL_ENABLED", "false");
        } else {
            assertThat(env).as(workload).doesNotContainKey("SERVER_SSL_CLIENTAUTH")
                    .doesNotContainEntry("SERVER_SSL_BUNDLE", "member");
        }
        Volume volume = mountedSecret(pod, container, "member-tls", "/etc/kv/member-tls", secret, "tls.crt",
                "tls.key", "ca.crt");
        assertThat(volume.getSecret().getDefaultMode()).isEqualTo(0440);
        assertThat(volume.getSecret().getOptional()).as("a member waits for its certificate").isNotEqualTo(true);
        mountedSecret(pod, container, "cluster-secret", "/etc/kv/cluster-secret", "kv-secret", "cluster-secret");
    }

    /** Whether a certificate's DNS name covers a host name, as a TLS client checks it (a "*" is one whole label). */
    private static boolean covers(String dnsName, String host) {
        if (dnsName.startsWith("*.")) {
            int dot = host.indexOf('.');
            return dot > 0 && host.substring(dot + 1).equalsIgnoreCase(dnsName.substring(2));
        }
        return dnsName.equalsIgnoreCase(host);
    }

    /**
     * The nodes as members reach them (the seeds and each pod's advertised address), with the pod name filled in as
     * Kubernetes would, for {@code pods} node pods.
     */
    private static List<String> nodeAddresses(List<HasMetadata> objects, int pods) {
        Map<String, String> env = env(template(objects, "kv-node").getSpec().getContainers().getFirst());
        List<String> addresses = new ArrayList<>(List.of(env.get("KV_GOSSIP_SEEDS").split(",")));
        addresses.addAll(List.of(env(template(objects, "kv-gateway").getSpec().getContainers().getFirst())
                .get("KV_GATEWAY_SEEDS").split(",")));
        for (int i = 0; i < pods; i++) {
            addresses.add(env.get("KV_GOSSIP_ADVERTISEADDRESS").replace("$(POD_NAME)", "kv-node-" + i)
                    .replace("$(POD_NAMESPACE)", NAMESPACE));
        }
        return addresses;
    }

    /**
     * Member TLS through cert-manager: a Certificate per member component, issued into
     * {@code <fullname>-<component>-member-tls} with the component's name as common name (the default identities),
     * the usages of a TLS server and client, a PKCS#8 ECDSA key rotated on renewal; the node's DNS names cover every
     * address members call nodes at (seeds, advertised addresses), which are https. Each of node, gateway and dashboard
     * mounts its Secret and admits the three names; the node's port is named https. The pods carry no checksum of
     * it (renewals are reloaded), and the hooks, which call only the gateway, know nothing of it.
     */
    @Test
    void memberTlsFromCertManagerGivesEveryMemberACertificateOfItsOwnNameAndTheNodesOneForTheirAddresses() {
        Map<String, Object> values = memberTlsFromCertManager();
        values.put("memberTls.certManager.issuerRef.kind", "ClusterIssuer");
        values.put("memberTls.certManager.duration", "720h");
        values.put("memberTls.certManager.renewBefore", "240h");
        values.put("node.replicaCount", 5);
        List<HasMetadata> objects = objectsAndHooks(values);
        noSubPath(objects);

        List<GenericKubernetesResource> certificates = objects.stream()
                .filter(o -> o.getKind().equals("Certificate")).map(GenericKubernetesResource.class::cast).toList();
        assertThat(certificates).extracting(c -> c.getMetadata().getName())
                .containsExactlyInAnyOrder("kv-node-member", "kv-gateway-member", "kv-admin-member");
        Map<String, List<String>> dnsNames = Map.of(
                "node", List.of("*.kv-node-headless", "*.kv-node-headless." + NAMESPACE,
                        "*.kv-node-headless." + NAMESPACE + ".svc",
                        "*.kv-node-headless." + NAMESPACE + ".svc.cluster.local"),
                "gateway", List.of("kv-gateway", "kv-gateway." + NAMESPACE, "kv-gateway." + NAMESPACE + ".svc",
                        "kv-gateway." + NAMESPACE + ".svc.cluster.local"),
                "admin", List.of("kv-admin", "kv-admin." + NAMESPACE, "kv-admin." + NAMESPACE + ".svc",
                        "kv-admin." + NAMESPACE + ".svc.cluster.local"));
        dnsNames.forEach((component, names) -> certificateOfMember(objects, component, names));

        // Members call the nodes at https addresses (seeds given as host:port become https), every one of them a
        // name of the node's certificate: the handshake's host name check passes for each of the five pods.
        Map<String, String> nodeEnv = env(template(objects, "kv-node").getSpec().getContainers().getFirst());
        assertThat(nodeEnv.get("KV_GOSSIP_ADVERTISEADDRESS"))
                .isEqualTo("https://$(POD_NAME).kv-node-headless.$(POD_NAMESPACE).svc.cluster.local:7101");
        List<String> addresses = nodeAddresses(objects, 5);
        assertThat(addresses).hasSize(9);
        for (String address : addresses) {
            String host = java.net.URI.create(address.contains("://") ? address : "https://" + address).getHost();
            assertThat(host).matches("kv-node-\\d\\.kv-node-headless\\." + NAMESPACE + "\\.svc\\.cluster\\.local");
            assertThat(dnsNames.get("node")).as("names of the node's certificate covering %s", host)
                    .anyMatch(name -> covers(name, host));
        }
        assertThat(covers("*.kv-node-headless." + NAMESPACE + ".svc.cluster.local",
                "a.kv-node-0.kv-node-headless." + NAMESPACE + ".svc.cluster.local")).as("one label only").isFalse();

        String identities = "kv-node,kv-gateway,kv-admin";
        for (String component : List.of("node", "gateway", "admin")) {
            memberTls(objects, "kv-" + component, "kv-" + component + "-member-tls", identities);
        }
        nodeServesTlsOnlyOnItsDataPort(objects);
        // The gateway's and dashboard's own ports are not concerned (gateway.tls, admin.tls).
        dataPortNamed(objects, "kv-gateway", "http", 8080, 8081);
        dataPortNamed(objects, "kv-admin", "http", 8090, 8091);

        // No checksum of the member certificates: a renewal must roll no pod. The annotations are the default's.
        List<HasMetadata> defaults = objects(render(Map.of("node.replicaCount", 5)));
        for (String workload : List.of("kv-node", "kv-gateway", "kv-admin")) {
            assertThat(template(objects, workload).getMetadata().getAnnotations()).as(workload)
                    .isEqualTo(template(defaults, workload).getMetadata().getAnnotations());
        }
        // The scale-down hook and the test pod call the gateway only: no member certificate, no member TLS.
        for (String hook : List.of("kv-node-scale-down", "kv-test-roundtrip")) {
            PodSpec pod = objects.stream().filter(o -> o.getMetadata().getName().equals(hook))
                    .map(HelmChartTest::podSpec).filter(java.util.Objects::nonNull).findFirst().orElseThrow();
            assertThat(env(pod.getContainers().getFirst())).as(hook)
                    .doesNotContainKeys(MEMBER_TLS_VARIABLES.toArray(String[]::new));
            assertThat(pod.getVolumes()).extracting(Volume::getName).doesNotContain("member-tls");
        }
        // The NetworkPolicies keep their port numbers.
        assertThat(ingressByPort(ingressPolicy(objects, "kv-node"))).containsOnlyKeys(7101, 7201);

        // Without the dashboard: no certificate for it, and its name is not admitted.
        Map<String, Object> noDashboard = memberTlsFromCertManager();
        noDashboard.put("admin.enabled", false);
        List<HasMetadata> withoutDashboard = objects(render(noDashboard));
        assertThat(withoutDashboard).filteredOn(o -> o.getKind().equals("Certificate"))
                .extracting(o -> o.getMetadata().getName()).containsExactlyInAnyOrder("kv-node-member",
                        "kv-gateway-member");
        memberTls(withoutDashboard, "kv-node", "kv-node-member-tls", "kv-node,kv-gateway");
        memberTls(withoutDashboard, "kv-gateway", "kv-gateway-member-tls", "kv-node,kv-gateway");
    }

    /** The cert-manager Certificate of one member component, issued for {@code names}. */
    private static void certificateOfMember(List<HasMetadata> objects, String component, List<String> names) {
        GenericKubernetesResource certificate = one(objects, GenericKubernetesResource.class,
                "kv-" + component + "-member");
        assertThat(certificate.getApiVersion()).isEqualTo("cert-manager.io/v1");
        assertThat(certificate.getMetadata().getNamespace()).isEqualTo(NAMESPACE);
        assertThat(certificate.getMetadata().getLabels()).containsEntry("app.kubernetes.io/component", component);
        Object spec = certificate.getAdditionalProperties().get("spec");
        assertThat((String) at(spec, "secretName")).isEqualTo("kv-" + component + "-member-tls");
        assertThat((String) at(spec, "commonName")).isEqualTo("kv-" + component);
        assertThat((List<String>) at(spec, "dnsNames")).as(component).containsExactlyElementsOf(names);
        assertThat((List<String>) at(spec, "usages")).containsExactlyInAnyOrder("server auth", "client auth",
                "digital signature");
        assertThat((Map<String, Object>) at(spec, "privateKey")).containsEntry("algorithm", "ECDSA")
                .containsEntry("size", 256).containsEntry("encoding", "PKCS8")
                .containsEntry("rotationPolicy", "Always");
        assertThat((Map<String, Object>) at(spec, "issuerRef")).containsEntry("name", "kv-member-ca")
                .containsEntry("kind", "ClusterIssuer").containsEntry("group", "cert-manager.io");
        assertThat((String) at(spec, "duration")).isEqualTo("720h");
        assertThat((String) at(spec, "renewBefore")).isEqualTo("240h");
    }

    /**
     * The node's data port serves TLS only: named https on the pod and the headless Service (appProtocol https); the
     * probes stay on the plain HTTP management port.
     */
    private static void nodeServesTlsOnlyOnItsDataPort(List<HasMetadata> objects) {
        Container node = template(objects, "kv-node").getSpec().getContainers().getFirst();
        assertThat(node.getPorts()).extracting(p -> p.getName() + "=" + p.getContainerPort())
                .containsExactlyInAnyOrder("https=7101", "management=7201");
        for (Probe probe : List.of(node.getStartupProbe(), node.getLivenessProbe(), node.getReadinessProbe())) {
            assertThat(probe.getHttpGet().getPort().getStrVal()).isEqualTo("management");
            assertThat(probe.getHttpGet().getScheme()).as("probes stay plain HTTP").isIn(null, "HTTP");
        }
        ServicePort headless = one(objects, Service.class, "kv-node-headless").getSpec().getPorts().getFirst();
        assertThat(headless.getName()).isEqualTo("https");
        assertThat(headless.getTargetPort().getStrVal()).isEqualTo("https");
        assertThat(headless.getAppProtocol()).isEqualTo("https");
        assertThat(headless.getPort()).isEqualTo(7101);
    }

    /**
     * Member TLS from Secrets of one's own: no Certificate, each component mounts its Secret; the identities admitted
     * are the chart's names by default, or those given (the same list on every member), and the public TLS of the
     * gateway (bundle public) coexists with it.
     */
    @Test
    void memberTlsFromExistingSecretsMountsThemAndAdmitsTheIdentitiesGiven() {
        List<HasMetadata> objects = objectsAndHooks(memberTlsFromExistingSecrets());
        noSubPath(objects);
        assertThat(objects).noneMatch(o -> o.getKind().equals("Certificate"));
        for (String component : List.of("node", "gateway", "admin")) {
            memberTls(objects, "kv-" + component, "team-" + component + "-member", "kv-node,kv-gateway,kv-admin");
        }

        Map<String, Object> given = memberTlsFromExistingSecrets();
        given.put("memberTls.allowedIdentities[0]", "*.kv-node-headless." + NAMESPACE + ".svc.cluster.local");
        given.put("memberTls.allowedIdentities[1]", "kv-gateway." + NAMESPACE + ".svc");
        given.put("memberTls.allowedIdentities[2]", "spiffe://cluster.local/ns/" + NAMESPACE + "/sa/kv-admin");
        List<HasMetadata> withIdentities = objects(render(given));
        for (String component : List.of("node", "gateway", "admin")) {
            memberTls(withIdentities, "kv-" + component, "team-" + component + "-member",
                    "*.kv-node-headless." + NAMESPACE + ".svc.cluster.local,kv-gateway." + NAMESPACE + ".svc,"
                            + "spiffe://cluster.local/ns/" + NAMESPACE + "/sa/kv-admin");
        }

        // With the gateway's public TLS besides: two bundles on the gateway, each from its own Secret; the node
        // serves only the member bundle.
        Map<String, Object> both = memberTlsFromExistingSecrets();
        both.put("gateway.tls.enabled", true);
        both.put("gateway.tls.existingSecret", "kv-gw-tls");
        List<HasMetadata> withPublicTls = objectsAndHooks(both);
        memberTls(withPublicTls, "kv-gateway", "team-gateway-member", "kv-node,kv-gateway,kv-admin");
        PodSpec gateway = template(withPublicTls, "kv-gateway").getSpec();
        servesTls(env(gateway.getContainers().getFirst()));
        mountedSecret(gateway, gateway.getContainers().getFirst(), "tls", "/etc/kv/tls", "kv-gw-tls", "tls.crt",
                "tls.key");
        memberTls(withPublicTls, "kv-node", "team-node-member", "kv-node,kv-gateway,kv-admin");
        memberTls(withPublicTls, "kv-admin", "team-admin-member", "kv-node,kv-gateway,kv-admin");

        // The dashboard's Secret is not needed without the dashboard.
        Map<String, Object> noDashboard = memberTlsFromExistingSecrets();
        noDashboard.remove("memberTls.existingSecrets.admin");
        noDashboard.put("admin.enabled", false);
        memberTls(objects(render(noDashboard)), "kv-gateway", "team-gateway-member", "kv-node,kv-gateway");
    }

    /**
     * Off (the default), nothing of member TLS is rendered: members speak plain HTTP, as before; half-filled values
     * render nothing either.
     */
    @Test
    void withoutMemberTlsMembersSpeakPlainHttpAsBefore() {
        for (Map<String, Object> values : List.<Map<String, Object>>of(Map.of(),
                Map.of("memberTls.existingSecrets.node", "team-node-member", "memberTls.certManager.enabled", true))) {
            List<HasMetadata> objects = objectsAndHooks(values);
            assertThat(objects).as(values.toString()).noneMatch(o -> o.getKind().equals("Certificate"));
            for (HasMetadata object : objects) {
                PodSpec pod = podSpec(object);
                if (pod != null) {
                    assertThat(env(pod.getContainers().getFirst())).as(object.getMetadata().getName())
                            .doesNotContainKeys(MEMBER_TLS_VARIABLES.toArray(String[]::new))
                            .doesNotContainKey("SERVER_SSL_BUNDLE");
                    assertThat(pod.getVolumes()).extracting(Volume::getName).doesNotContain("member-tls");
                }
            }
            assertThat(env(template(objects, "kv-node").getSpec().getContainers().getFirst()))
                    .containsEntry("KV_GOSSIP_ADVERTISEADDRESS",
                            "http://$(POD_NAME).kv-node-headless.$(POD_NAMESPACE).svc.cluster.local:7101");
            assertThat(template(objects, "kv-node").getSpec().getContainers().getFirst().getPorts())
                    .extracting(p -> p.getName()).containsExactlyInAnyOrder("http", "management");
            ServicePort headless = one(objects, Service.class, "kv-node-headless").getSpec().getPorts().getFirst();
            assertThat(headless.getName()).isEqualTo("http");
            assertThat(headless.getAppProtocol()).isNull();
        }
    }

    /**
     * The schema refuses member TLS without exactly one certificate source (cert-manager, or an existing Secret for
     * each member: node, gateway, and the dashboard when it is deployed), cert-manager without an issuer, malformed
     * Secret names, durations and identities; the chart's own checks refuse the same when the schema is skipped.
     */
    @Test
    void theValuesSchemaAndTheChartRejectInconsistentMemberTls() {
        String at = "at '/memberTls";
        Map<Map<String, Object>, String> cases = new LinkedHashMap<>();
        cases.put(Map.of("memberTls.enabled", true), at + "/certManager/enabled': value must be true");
        cases.put(Map.of("memberTls.enabled", true, "memberTls.certManager.enabled", true),
                at + "/certManager/issuerRef/name': minLength: got 0, want 1");
        cases.put(with(memberTlsFromCertManager(), "memberTls.existingSecrets.node", "team-node-member"),
                at + "/certManager/enabled': value must be false");
        cases.put(with(memberTlsFromExistingSecrets(), "memberTls.certManager.enabled", true,
                "memberTls.certManager.issuerRef.name", "kv-member-ca"),
                at + "/certManager/enabled': value must be false");
        cases.put(Map.of("memberTls.enabled", true, "memberTls.existingSecrets.node", "team-node-member"),
                at + "/existingSecrets/gateway': minLength: got 0, want 1");
        cases.put(Map.of("memberTls.enabled", true, "memberTls.existingSecrets.gateway", "team-gateway-member"),
                at + "/existingSecrets/node': minLength: got 0, want 1");
        cases.put(Map.of("memberTls.enabled", true, "memberTls.existingSecrets.node", "team-node-member",
                "memberTls.existingSecrets.gateway", "team-gateway-member"),
                at + "/existingSecrets/admin': minLength: got 0, want 1");
        cases.put(with(memberTlsFromExistingSecrets(), "memberTls.existingSecrets.node", "Team_Node"),
                at + "/existingSecrets/node'");
        cases.put(with(memberTlsFromCertManager(), "memberTls.certManager.duration", "90 days"),
                at + "/certManager/duration'");
        cases.put(with(memberTlsFromCertManager(), "memberTls.certManager.renewBefore", "-1h"),
                at + "/certManager/renewBefore'");
        cases.put(with(memberTlsFromCertManager(), "memberTls.allowedIdentities[0]", "kv-node,kv-gateway"),
                at + "/allowedIdentities/0'");
        cases.put(with(memberTlsFromCertManager(), "memberTls.allowedIdentities[0]", "kv node"),
                at + "/allowedIdentities/0'");
        cases.put(with(memberTlsFromCertManager(), "memberTls.certManger.enabled", true),
                at + "': additional properties 'certManger' not allowed");
        cases.put(with(memberTlsFromExistingSecrets(), "memberTls.existingSecrets.store", "kv-store"),
                at + "/existingSecrets': additional properties 'store' not allowed");
        refused(cases);

        // Without the schema, the chart refuses the same combinations, saying which values to set.
        Map<Map<String, Object>, String> failed = new LinkedHashMap<>();
        failed.put(Map.of("memberTls.enabled", true), "memberTls.enabled needs memberTls.certManager.enabled or an "
                + "existing Secret for every member (node, gateway, admin); missing: memberTls.existingSecrets.node, "
                + "memberTls.existingSecrets.gateway, memberTls.existingSecrets.admin");
        failed.put(Map.of("memberTls.enabled", true, "memberTls.existingSecrets.node", "team-node-member",
                "memberTls.existingSecrets.gateway", "team-gateway-member"),
                "missing: memberTls.existingSecrets.admin");
        failed.put(Map.of("memberTls.enabled", true, "memberTls.certManager.enabled", true),
                "memberTls.certManager.enabled needs memberTls.certManager.issuerRef.name");
        failed.put(with(memberTlsFromCertManager(), "memberTls.existingSecrets.admin", "team-admin-member",
                "admin.enabled", false), "not both (existingSecrets given for admin)");
        failed.forEach((values, why) -> assertThatThrownBy(() -> HelmChart.renderWithoutSchema(values))
                .as(values.toString()).hasMessageContaining(why));
        assertThat(objects(HelmChart.renderWithoutSchema(memberTlsFromCertManager()))).isNotEmpty();

        // Each accepted way renders.
        assertThat(objects(render(memberTlsFromCertManager()))).isNotEmpty();
        assertThat(objects(render(memberTlsFromExistingSecrets()))).isNotEmpty();
        assertThat(objects(render(Map.of("memberTls.enabled", true, "memberTls.existingSecrets.node",
                "team-node-member", "memberTls.existingSecrets.gateway", "team-gateway-member", "admin.enabled",
                false)))).isNotEmpty();
    }

    /** The gateway's clients.yaml in a rendering's chart-owned Secret, parsed. */
    private static Map<String, Object> clientsFile(List<HasMetadata> objects) {
        Secret secret = one(objects, Secret.class, "kv-gateway-clients");
        assertThat(secret.getData()).containsOnlyKeys("clients.yaml");
        String yaml = new String(Base64.getDecoder().decode(secret.getData().get("clients.yaml")),
                StandardCharsets.UTF_8);
        @SuppressWarnings("unchecked")
        Map<String, Object> parsed = new io.fabric8.kubernetes.client.utils.KubernetesSerialization()
                .unmarshal(yaml, Map.class);
        return parsed;
    }

    private static Map<String, Object> twoClients() {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("gateway.auth.enabled", true);
        values.put("gateway.auth.clients[0].name", "billing");
        values.put("gateway.auth.clients[0].keySha256", BILLING_DIGEST);
        values.put("gateway.auth.clients[0].roles[0]", "read");
        values.put("gateway.auth.clients[0].roles[1]", "write");
        values.put("gateway.auth.clients[0].prefixes[0]", "billing/");
        values.put("gateway.auth.clients[1].name", "ops");
        values.put("gateway.auth.clients[1].keySha256", OPS_DIGEST);
        values.put("gateway.auth.clients[1].roles[0]", "admin");
        return values;
    }

    /**
     * Client authentication from the values' clients: a chart-owned Secret holding clients.yaml (the properties
     * kv.gateway.auth.*, digests only), mounted read-only without subPath on the gateways and imported by Spring; a
     * checksum of it on the gateway pods (they read it at start); the scale-down hook and the test pod send the
     * cluster secret, which the gateway takes as an admin's credential.
     */
    @Test
    void clientAuthenticationFromTheValuesRendersTheClientsFileAndRollsTheGatewaysWhenItChanges(
            @TempDir Path root) {
        List<HasMetadata> objects = objectsAndHooks(twoClients());
        noSubPath(objects);

        Map<String, Object> file = clientsFile(objects);
        assertThat((Boolean) at(file, "kv", "gateway", "auth", "enabled")).isTrue();
        List<Map<String, Object>> clients = at(file, "kv", "gateway", "auth", "clients");
        assertThat(clients).hasSize(2);
        assertThat(clients.get(0)).containsOnlyKeys("name", "key-sha256", "roles", "prefixes")
                .containsEntry("name", "billing")
                .containsEntry("key-sha256", BILLING_DIGEST.toLowerCase(java.util.Locale.ROOT))
                .containsEntry("roles", List.of("read", "write")).containsEntry("prefixes", List.of("billing/"));
        assertThat(clients.get(1)).containsOnlyKeys("name", "key-sha256", "roles").containsEntry("name", "ops")
                .containsEntry("key-sha256", OPS_DIGEST).containsEntry("roles", List.of("admin"));

        PodTemplateSpec gateway = template(objects, "kv-gateway");
        Container container = gateway.getSpec().getContainers().getFirst();
        assertThat(env(container))
                .containsEntry("SPRING_CONFIG_IMPORT", "optional:file:/etc/kv/clients/clients.yaml")
                .containsEntry("KV_GATEWAY_AUTH_ENABLED", "true");
        Volume volume = mountedSecret(gateway.getSpec(), container, "clients", "/etc/kv/clients",
                "kv-gateway-clients", "clients.yaml");
        assertThat(volume.getSecret().getDefaultMode()).isEqualTo(0440);
        assertThat(volume.getSecret().getOptional()).as("no gateway starts without its clients").isNotEqualTo(true);
        String checksum = gateway.getMetadata().getAnnotations().get("checksum/gateway-clients");
        assertThat(checksum).matches("[0-9a-f]{64}");
        // Neither the nodes nor the dashboard have any of it.
        for (String workload : List.of("kv-node", "kv-admin")) {
            PodTemplateSpec pods = template(objects, workload);
            assertThat(env(pods.getSpec().getContainers().getFirst())).as(workload)
                    .doesNotContainKeys("SPRING_CONFIG_IMPORT", "KV_GATEWAY_AUTH_ENABLED");
            assertThat(pods.getSpec().getVolumes()).extracting(Volume::getName).doesNotContain("clients");
            assertThat(pods.getMetadata().getAnnotations()).doesNotContainKey("checksum/gateway-clients");
        }

        // Another client list rolls the gateways (and only them); the same list does not.
        Map<String, Object> changed = twoClients();
        changed.put("gateway.auth.clients[0].prefixes[1]", "shared/");
        List<HasMetadata> after = objects(render(changed));
        assertThat(template(after, "kv-gateway").getMetadata().getAnnotations().get("checksum/gateway-clients"))
                .matches("[0-9a-f]{64}").isNotEqualTo(checksum);
        assertThat(HelmChart.yaml(one(after, Deployment.class, "kv-admin")))
                .isEqualTo(HelmChart.yaml(one(objects, Deployment.class, "kv-admin")));
        assertThat(template(objects(render(twoClients())), "kv-gateway").getMetadata().getAnnotations()
                .get("checksum/gateway-clients")).isEqualTo(checksum);

        // The hook and the test pod send the cluster secret: from the Secret's file in a read-only volume (no env),
        // through a header file, on every call (the cluster view's GET too).
        Job job = one(objects, Job.class, "kv-node-scale-down");
        PodSpec hook = job.getSpec().getTemplate().getSpec();
        ClusterSecretVolume.of(hook, hook.getContainers().getFirst(), "kv-secret", root.resolve("hook"));
        String script = hook.getContainers().getFirst().getCommand().get(2);
        assertThat(script.lines().filter(line -> line.strip().startsWith("curl ")).toList())
                .as("the script's only curl is gateway_curl's, with the secret's header")
                .singleElement().satisfies(line -> assertThat(line).contains("-H \"@$WORK/secret-header\""));
        assertThat(script).contains("gateway_curl -fsS --max-time 10 \"$GATEWAY_URL/v1/cluster\"")
                .contains("gateway_curl -sS --max-time 30");
        Pod test = one(objects, Pod.class, "kv-test-roundtrip");
        Container testContainer = test.getSpec().getContainers().getFirst();
        ClusterSecretVolume.of(test.getSpec(), testContainer, "kv-secret", root.resolve("test"));
        assertThat(testContainer.getCommand().get(2)).contains("-H @/tmp/secret-header")
                .contains("X-KV-Cluster-Secret: %s").contains("status=\"$(gateway_curl ");
        assertThat(HelmChart.yaml(test)).doesNotContain("test-cluster-secret");

        // Off (the default): no clients Secret, no checksum, and the test pod holds no secret.
        List<HasMetadata> off = objectsAndHooks(Map.of());
        assertThat(off).noneMatch(o -> o.getMetadata().getName().equals("kv-gateway-clients"));
        assertThat(template(off, "kv-gateway").getMetadata().getAnnotations())
                .doesNotContainKey("checksum/gateway-clients");
        assertThat(one(off, Pod.class, "kv-test-roundtrip").getSpec().getVolumes()).extracting(Volume::getName)
                .containsExactly("tmp");
    }

    /**
     * Client authentication from a Secret of one's own: mounted and imported the same way, no Secret and no checksum
     * from the chart (a change needs {@code kubectl rollout restart}, as the README says).
     */
    @Test
    void clientAuthenticationFromAnExistingSecretMountsItWithoutAChecksum() {
        List<HasMetadata> objects = objectsAndHooks(Map.of("gateway.auth.enabled", true,
                "gateway.auth.existingSecret", "team-kv-clients"));
        noSubPath(objects);
        assertThat(objects).noneMatch(o -> o.getMetadata().getName().equals("kv-gateway-clients"));
        PodTemplateSpec gateway = template(objects, "kv-gateway");
        Container container = gateway.getSpec().getContainers().getFirst();
        assertThat(env(container))
                .containsEntry("SPRING_CONFIG_IMPORT", "optional:file:/etc/kv/clients/clients.yaml")
                .containsEntry("KV_GATEWAY_AUTH_ENABLED", "true");
        mountedSecret(gateway.getSpec(), container, "clients", "/etc/kv/clients", "team-kv-clients", "clients.yaml");
        assertThat(gateway.getMetadata().getAnnotations()).doesNotContainKey("checksum/gateway-clients");
        PodSpec test = one(objects, Pod.class, "kv-test-roundtrip").getSpec();
        assertThat(env(test.getContainers().getFirst()))
                .containsEntry("KV_CLUSTER_SECRET_FILE", "/etc/kv/cluster-secret/cluster-secret");
    }

    /** Values refused by the schema, each with the part of the message that says why. */
    private static void refused(Map<Map<String, Object>, String> cases) {
        cases.forEach((values, why) -> assertThatThrownBy(() -> render(values)).as(values.toString())
                .hasMessageContaining("values don't meet the specifications of the schema")
                .hasMessageContaining(why));
    }

    private static Map<String, Object> with(Map<String, Object> values, Object... more) {
        Map<String, Object> all = new LinkedHashMap<>(values);
        for (int i = 0; i < more.length; i += 2) {
            all.put((String) more[i], more[i + 1]);
        }
        return all;
    }

    /**
     * The schema refuses the combinations of TLS and client authentication values that cannot work: authentication
     * with neither clients nor an existing Secret or with both, a digest that is not 64 hex characters, a role other
     * than read, write and admin, a client without a role; TLS with neither an existing Secret nor cert-manager or
     * with both, cert-manager without an issuer, malformed Secret names, durations and DNS names.
     */
    @Test
    void theValuesSchemaRejectsInconsistentTlsAndClientAuthentication() {
        Map<Map<String, Object>, String> auth = new LinkedHashMap<>();
        auth.put(Map.of("gateway.auth.enabled", true), "at '/gateway/auth/clients': minItems: got 0, want 1");
        auth.put(with(twoClients(), "gateway.auth.existingSecret", "team-kv-clients"),
                "at '/gateway/auth/clients': maxItems: got 2, want 0");
        for (String digest : List.of("abc", "g".repeat(64), BILLING_DIGEST + "0", BILLING_DIGEST.substring(1),
                BILLING_DIGEST.substring(0, 63) + " ")) {
            auth.put(with(twoClients(), "gateway.auth.clients[1].keySha256", digest),
                    "at '/gateway/auth/clients/1/keySha256'");
        }
        auth.put(with(twoClients(), "gateway.auth.clients[1].roles[0]", "owner"),
                "at '/gateway/auth/clients/1/roles/0': value must be one of 'read', 'write', 'admin'");
        auth.put(Map.of("gateway.auth.enabled", true, "gateway.auth.clients[0].name", "billing",
                "gateway.auth.clients[0].keySha256", OPS_DIGEST),
                "at '/gateway/auth/clients/0': missing property 'roles'");
        auth.put(with(twoClients(), "gateway.auth.clients[0].name", "billing team"),
                "at '/gateway/auth/clients/0/name'");
        // Wrong digests are refused even while authentication is off.
        auth.put(Map.of("gateway.auth.clients[0].name", "billing", "gateway.auth.clients[0].keySha256", "abc",
                "gateway.auth.clients[0].roles[0]", "read"), "at '/gateway/auth/clients/0/keySha256'");
        refused(auth);
        // The gateway would refuse two clients of one name or one key: so does the chart, when it renders.
        assertThatThrownBy(() -> render(with(twoClients(), "gateway.auth.clients[1].name", "billing")))
                .hasMessageContaining("two clients are named \"billing\"");
        assertThatThrownBy(() -> render(with(twoClients(), "gateway.auth.clients[1].keySha256",
                BILLING_DIGEST.toLowerCase(java.util.Locale.ROOT)))).hasMessageContaining("same keySha256");

        for (String component : List.of("gateway", "admin")) {
            String tls = component + ".tls.";
            String at = "at '/" + component + "/tls";
            Map<String, Object> certManager = Map.of(tls + "enabled", true, tls + "certManager.enabled", true,
                    tls + "certManager.issuerRef.name", "kv-ca");
            Map<Map<String, Object>, String> cases = new LinkedHashMap<>();
            cases.put(Map.of(tls + "enabled", true), at + "/certManager/enabled': value must be true");
            cases.put(with(certManager, tls + "existingSecret", "kv-tls"),
                    at + "/certManager/enabled': value must be false");
            cases.put(Map.of(tls + "enabled", true, tls + "certManager.enabled", true),
                    at + "/certManager/issuerRef/name': minLength: got 0, want 1");
            cases.put(Map.of(tls + "enabled", true, tls + "existingSecret", "Not_A_Secret_Name"),
                    at + "/existingSecret'");
            cases.put(with(certManager, tls + "certManager.duration", "90 days"), at + "/certManager/duration'");
            cases.put(with(certManager, tls + "certManager.renewBefore", "-1h"), at + "/certManager/renewBefore'");
            cases.put(with(certManager, tls + "certManager.dnsNames[0]", "https://kv.example.test"),
                    at + "/certManager/dnsNames/0'");
            cases.put(Map.of(tls + "enabled", true, tls + "existingSecret", "kv-tls", tls + "certManger.enabled",
                    true), at + "': additional properties 'certManger' not allowed");
            refused(cases);
            // Each accepted way renders.
            assertThat(objects(render(Map.of(tls + "enabled", true, tls + "existingSecret", "kv-tls")))).isNotEmpty();
            assertThat(objects(render(certManager))).isNotEmpty();
        }
        refused(Map.of(Map.of("admin.tls.caSecret", "kv-ca"),
                "at '/admin/tls': additional properties 'caSecret' not allowed"));
        // Off, half-filled TLS values are fine (nothing is rendered from them).
        assertThat(objects(render(Map.of("gateway.tls.existingSecret", "kv-tls", "gateway.tls.certManager.enabled",
                true)))).isNotEmpty();
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
