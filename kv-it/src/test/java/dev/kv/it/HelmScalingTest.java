package dev.kv.it;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.kv.it.HelmChart.hooks;
import static dev.kv.it.HelmChart.objects;
import static dev.kv.it.HelmChart.one;
import static dev.kv.it.HelmChart.render;
import static dev.kv.it.StubGateway.cluster;
import static dev.kv.it.StubGateway.member;
import static dev.kv.it.StubGateway.transition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The chart's side of elasticity (issue 12): which pods form the first ring, what joining pods need from the headless
 * Service, what happens to the claims of pods that go, and the scale-down hook that decommissions them first (its
 * objects as rendered, and its script run against a stub gateway).
 */
class HelmScalingTest {

    private static final String SECRET = "scale-down-test-secret-0123456789";

    @TempDir
    Path work;

    private StubGateway gateway;

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
    }

    private static Container node(List<HasMetadata> objects) {
        return one(objects, StatefulSet.class, "kv-node").getSpec().getTemplate().getSpec().getContainers().getFirst();
    }

    private static String env(Container container, String name) {
        return container.getEnv().stream().filter(e -> e.getName().equals(name)).map(EnvVar::getValue).findFirst()
                .orElseThrow(() -> new AssertionError(name + " not set on " + container.getName()));
    }

    private static Job scaleDownJob(Map<String, Object> values) {
        List<HasMetadata> hooks = hooks(values);
        return hooks.stream().filter(Job.class::isInstance).map(Job.class::cast)
                .filter(j -> j.getMetadata().getName().equals("kv-node-scale-down")).findFirst()
                .orElseThrow(() -> new AssertionError("no Job kv-node-scale-down among the hooks "
                        + hooks.stream().map(h -> h.getKind() + "/" + h.getMetadata().getName()).toList()));
    }

    @Test
    void theFirstRingIsTheInitialPodsWhateverTheReplicaCount() {
        List<HasMetadata> five = objects(render(Map.of("node.replicaCount", 5)));
        assertThat(env(node(five), "KV_MEMBERSHIP_INITIAL_MEMBERS")).isEqualTo("kv-node-0,kv-node-1,kv-node-2");
        assertThat(one(five, StatefulSet.class, "kv-node").getSpec().getReplicas()).isEqualTo(5);

        // Scaling changes nothing in the pod template, so it restarts no pod.
        List<HasMetadata> three = objects(render(Map.of()));
        assertThat(one(five, StatefulSet.class, "kv-node").getSpec().getTemplate())
                .isEqualTo(one(three, StatefulSet.class, "kv-node").getSpec().getTemplate());

        assertThat(env(node(objects(render(Map.of("node.replicaCount", 5, "cluster.initialMembers", 5)))),
                "KV_MEMBERSHIP_INITIAL_MEMBERS")).isEqualTo("kv-node-0,kv-node-1,kv-node-2,kv-node-3,kv-node-4");
        assertThat(env(node(objects(render(Map.of("cluster.initialMembers", 1)))), "KV_MEMBERSHIP_INITIAL_MEMBERS"))
                .isEqualTo("kv-node-0");
        // The ids are the pod names, which follow the release's base name.
        List<HasMetadata> renamed = objects(render(Map.of("fullnameOverride", "store")));
        Container store = one(renamed, StatefulSet.class, "store-node").getSpec().getTemplate().getSpec()
                .getContainers().getFirst();
        assertThat(env(store, "KV_MEMBERSHIP_INITIAL_MEMBERS")).isEqualTo("store-node-0,store-node-1,store-node-2");
        assertThat(env(store, "KV_NODE_ID")).isEqualTo("$(POD_NAME)");
    }

    @Test
    void streamingRateAndQuarantineReachTheNodes() {
        Container defaults = node(objects(render(Map.of())));
        assertThat(env(defaults, "KV_STREAMING_RATE")).isEqualTo("32MB");
        assertThat(env(defaults, "KV_MEMBERSHIP_QUARANTINE")).isEqualTo("1h");

        Container custom = node(objects(render(Map.of("config.streaming.rate", "64MB",
                "config.membership.quarantine", "90m"))));
        assertThat(env(custom, "KV_STREAMING_RATE")).isEqualTo("64MB");
        assertThat(env(custom, "KV_MEMBERSHIP_QUARANTINE")).isEqualTo("90m");
    }

    @Test
    void theValuesSchemaRejectsBadMembershipValues() {
        assertThatThrownBy(() -> render(Map.of("cluster.initialMembers", 0))).hasMessageContaining("initialMembers");
        assertThatThrownBy(() -> render(Map.of("config.streaming.rate", "fast"))).hasMessageContaining("rate");
        assertThatThrownBy(() -> render(Map.of("config.membership.quarantine", "1 hour")))
                .hasMessageContaining("quarantine");
        assertThatThrownBy(() -> render(Map.of("scaleDown.timeout", "forever"))).hasMessageContaining("timeout");
        assertThatThrownBy(() -> render(Map.of("node.persistence.claimRetentionPolicy.whenScaled", "Keep")))
                .hasMessageContaining("whenScaled");
    }

    @Test
    void joiningPodsAreReachableBeforeTheyAreReadyAndTheClaimsOfPodsThatGoAreDeleted() {
        List<HasMetadata> objects = objects(render(Map.of()));
        StatefulSet nodes = one(objects, StatefulSet.class, "kv-node");

        assertThat(one(objects, Service.class, "kv-node-headless").getSpec().getPublishNotReadyAddresses()).isTrue();
        assertThat(nodes.getSpec().getPodManagementPolicy()).isEqualTo("Parallel");
        assertThat(nodes.getSpec().getPersistentVolumeClaimRetentionPolicy().getWhenScaled()).isEqualTo("Delete");
        assertThat(nodes.getSpec().getPersistentVolumeClaimRetentionPolicy().getWhenDeleted()).isEqualTo("Retain");

        StatefulSet ephemeral = one(objects(render(Map.of("node.persistence.enabled", false))), StatefulSet.class,
                "kv-node");
        assertThat(ephemeral.getSpec().getPersistentVolumeClaimRetentionPolicy()).isNull();
    }

    @Test
    void theScaleDownHookRunsBeforeUpgradesAndRollbacksWithTheSecretMountedAsAFile() throws IOException {
        Job job = scaleDownJob(Map.of("node.replicaCount", 4, "auth.clusterSecret", SECRET));

        assertThat(job.getMetadata().getAnnotations())
                .containsEntry("helm.sh/hook", "pre-upgrade,pre-rollback")
                .containsEntry("helm.sh/hook-delete-policy", "before-hook-creation,hook-succeeded")
                .containsKey("helm.sh/hook-weight");
        assertThat(job.getMetadata().getLabels()).containsEntry("app.kubernetes.io/component", "scale-down");
        assertThat(job.getSpec().getBackoffLimit()).isZero();
        PodSpec pod = job.getSpec().getTemplate().getSpec();
        assertThat(pod.getRestartPolicy()).isEqualTo("Never");
        assertThat(pod.getAutomountServiceAccountToken()).isFalse();
        Container container = pod.getContainers().getFirst();
        assertThat(container.getImage()).isEqualTo("docker.io/curlimages/curl:8.11.1");

        Map<String, String> env = new LinkedHashMap<>();
        container.getEnv().forEach(e -> env.put(e.getName(), e.getValue()));
        assertThat(env).containsEntry("GATEWAY_URL", "http://kv-gateway:8080").containsEntry("NODE_PREFIX", "kv-node-")
                .containsEntry("REPLICAS", "4").containsEntry("TIMEOUT_SECONDS", "1800");
        // The secret is the Secret's file, mounted read-only without subPath; it is in no environment variable.
        ClusterSecretVolume.of(pod, container, "kv-secret", work);
        assertThat(env).containsEntry("KV_CLUSTER_SECRET_FILE", "/etc/kv/cluster-secret/cluster-secret")
                .doesNotContainKey("KV_CLUSTER_SECRET");
        assertThat(HelmChart.yaml(job)).doesNotContain(SECRET);

        // The script is the chart's file, run by sh; nothing is passed as arguments.
        assertThat(container.getCommand()).hasSize(3).startsWith("/bin/sh", "-c");
        assertThat(container.getCommand().get(2).strip())
                .isEqualTo(Files.readString(HelmChart.chart().resolve("files/scale-down.sh")).strip());
        assertThat(container.getArgs()).isNullOrEmpty();

        assertThat(scaleDownJob(Map.of("scaleDown.timeout", "2h")).getSpec().getTemplate().getSpec().getContainers()
                .getFirst().getEnv()).anySatisfy(e -> {
                    assertThat(e.getName()).isEqualTo("TIMEOUT_SECONDS");
                    assertThat(e.getValue()).isEqualTo("7200");
                });
        assertThat(hooks(Map.of("scaleDown.enabled", false))).noneMatch(Job.class::isInstance);
    }

    @Test
    void theScaleDownHookIsLimitedAndLockedDownLikeThePodsOfTheChart() {
        Job job = scaleDownJob(Map.of());
        PodSpec pod = job.getSpec().getTemplate().getSpec();
        Container container = pod.getContainers().getFirst();

        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(container.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(container.getResources().getLimits()).containsKey("memory");
        assertThat(container.getResources().getRequests()).containsKeys("cpu", "memory");
        assertThat(container.getVolumeMounts()).anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/tmp"));
        assertThat(pod.getVolumes()).anySatisfy(v -> {
            assertThat(v.getName()).isEqualTo("tmp");
            assertThat(v.getEmptyDir()).isNotNull();
        });
    }

    @Test
    void theNetworkPolicyLetsTheScaleDownHookReachTheGateway() {
        Map<String, String> hookPod = scaleDownJob(Map.of()).getSpec().getTemplate().getMetadata().getLabels();

        // Default: the gateway port is open to every client.
        NetworkPolicy open = gatewayPolicy(objects(render(Map.of())));
        assertThat(apiPortRules(open)).singleElement()
                .satisfies(rule -> assertThat(rule.getFrom()).isNullOrEmpty());

        // Restricted to some peers: this release's hook is still among them.
        Map<String, Object> restricted = Map.of("networkPolicy.gatewayFrom[0].namespaceSelector.matchLabels.team",
                "shop");
        NetworkPolicy policy = gatewayPolicy(objects(render(restricted)));
        assertThat(apiPortRules(policy)).hasSize(1);
        NetworkPolicyIngressRule rule = apiPortRules(policy).getFirst();
        assertThat(rule.getPorts()).anySatisfy(p -> assertThat(p.getPort().getIntVal()).isEqualTo(8080));
        assertThat(rule.getFrom()).anySatisfy((NetworkPolicyPeer peer) -> {
            assertThat(peer.getNamespaceSelector()).isNull();
            assertThat(peer.getPodSelector().getMatchLabels()).containsEntry("app.kubernetes.io/component",
                    "scale-down");
            assertThat(hookPod).containsAllEntriesOf(peer.getPodSelector().getMatchLabels());
        });
        assertThat(scaleDownJob(restricted).getSpec().getTemplate().getMetadata().getLabels())
                .containsAllEntriesOf(hookPod);
    }

    private static NetworkPolicy gatewayPolicy(List<HasMetadata> objects) {
        return one(objects, NetworkPolicy.class, "kv-gateway");
    }

    /** The rules of the gateway's policy for its API port (8080); the management port has a rule of its own. */
    private static List<NetworkPolicyIngressRule> apiPortRules(NetworkPolicy policy) {
        return policy.getSpec().getIngress().stream()
                .filter(r -> r.getPorts().stream().anyMatch(p -> Integer.valueOf(8080).equals(p.getPort().getIntVal())))
                .toList();
    }

    // --- the hook's script, as rendered, against a stub gateway -------------------------------------------------

    record Run(int exit, String out, String err) {
    }

    /** {@link #runHook(int, String, String)} with the Secret holding {@link #SECRET} alone. */
    private Run runHook(int replicas, String timeoutSeconds) throws Exception {
        return runHook(replicas, timeoutSeconds, SECRET + "\n");
    }

    /**
     * Runs the rendered Job's script with sh and the Job's environment, pointed at the stub gateway, with the Job's
     * Secret volume emulated: it holds {@code secret}, at the place the Job's KV_CLUSTER_SECRET_FILE names in it.
     */
    private Run runHook(int replicas, String timeoutSeconds, String secret) throws Exception {
        PodSpec pod = scaleDownJob(Map.of("node.replicaCount", replicas)).getSpec().getTemplate().getSpec();
        Container container = pod.getContainers().getFirst();
        Path script = work.resolve("scale-down.sh");
        Files.writeString(script, container.getCommand().get(2));
        Path tmp = Files.createDirectories(work.resolve("tmp-" + System.nanoTime()));
        ClusterSecretVolume volume = ClusterSecretVolume.of(pod, container, "kv-secret",
                work.resolve("volumes-" + System.nanoTime()));
        volume.write(secret);
        ProcessBuilder builder = new ProcessBuilder("sh", script.toString())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Map<String, String> env = builder.environment();
        for (EnvVar variable : container.getEnv()) {
            if (variable.getValue() != null) {
                env.put(variable.getName(), variable.getValue());
            }
        }
        env.remove("KV_CLUSTER_SECRET");
        env.put("KV_CLUSTER_SECRET_FILE", volume.file().toString());
        env.put("GATEWAY_URL", gateway.url());
        env.put("TMPDIR", tmp.toString());
        env.put("HOME", tmp.toString());
        env.put("POLL_SECONDS", "0.05");
        env.put("TIMEOUT_SECONDS", timeoutSeconds);
        Path out = work.resolve("out-" + System.nanoTime());
        Path err = work.resolve("err-" + System.nanoTime());
        Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the hook script finished").isTrue();
        return new Run(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    private static String[] fiveNodes(String state3, String state4) {
        return new String[] {member("kv-node-0", "normal"), member("kv-node-1", "normal"),
                member("kv-node-2", "normal"), member("kv-node-3", state3), member("kv-node-4", state4)};
    }

    @Test
    void theHookDecommissionsThePodsThatGoOneAtATimeHighestFirstEachUntilItHasLeft() throws Exception {
        gateway = new StubGateway(SECRET, cluster("null", fiveNodes("normal", "normal")));
        gateway.onPost("/admin/v1/nodes/kv-node-4/decommission", 202, "{\"topologyVersion\":\"10:kv-node-4\"}",
                cluster(transition("decommission", "kv-node-4", 1, 3, 1_048_576, "30"),
                        fiveNodes("normal", "leaving")),
                cluster(transition("decommission", "kv-node-4", 2, 3, 2_097_152, "15"),
                        fiveNodes("normal", "leaving")),
                cluster("null", fiveNodes("normal", "left")));
        gateway.onPost("/admin/v1/nodes/kv-node-3/decommission", 202, "{\"topologyVersion\":\"11:kv-node-3\"}",
                cluster(transition("decommission", "kv-node-3", 1, 3, 1_048_576, "null"),
                        fiveNodes("leaving", "left")),
                cluster("null", fiveNodes("left", "left")));

        Run run = runHook(3, "30");

        assertThat(run.exit()).as(run.out() + run.err()).isZero();
        assertThat(gateway.posts()).containsExactly(
                "POST /admin/v1/nodes/kv-node-4/decommission secret=" + SECRET,
                "POST /admin/v1/nodes/kv-node-3/decommission secret=" + SECRET);
        assertThat(run.out()).contains("decommission of kv-node-4: ranges 2/3, 2000 keys, 2.0 MB, 32.0 MB/s, ETA 15s")
                .contains("kv-node-3: decommission accepted (topology 11:kv-node-3)")
                .contains("the StatefulSet may shrink");
        // kv-node-3 was asked only once kv-node-4 had left.
        assertThat(run.out().indexOf("kv-node-4: left")).isPositive()
                .isLessThan(run.out().indexOf("kv-node-3: decommission accepted"));
    }

    @Test
    void theHookRemovesAPodThatIsDownAndOnlyAwaitsOneAlreadyLeaving() throws Exception {
        String[] before = {member("kv-node-0", "normal"), member("kv-node-1", "normal"), member("kv-node-2", "normal"),
                member("kv-node-3", "normal", "down"), member("kv-node-4", "leaving")};
        String[] fourLeft = {member("kv-node-0", "normal"), member("kv-node-1", "normal"),
                member("kv-node-2", "normal"), member("kv-node-3", "normal", "down"), member("kv-node-4", "left")};
        String[] threeRemoved = {member("kv-node-0", "normal"), member("kv-node-1", "normal"),
                member("kv-node-2", "normal"), member("kv-node-3", "removed", "down"), member("kv-node-4", "left")};
        gateway = new StubGateway(SECRET, cluster("null", before));
        gateway.clusterViews(cluster("null", before), cluster("null", before), cluster("null", before),
                cluster("null", fourLeft));
        gateway.onPost("/admin/v1/nodes/kv-node-3/remove", 202, "{\"topologyVersion\":\"12:kv-node-3\"}",
                cluster(transition("remove", "kv-node-3", 4, 8, 0, "3"), fourLeft), cluster("null", threeRemoved));

        Run run = runHook(3, "30");

        assertThat(run.exit()).as(run.out() + run.err()).isZero();
        assertThat(gateway.posts()).containsExactly("POST /admin/v1/nodes/kv-node-3/remove secret=" + SECRET);
        assertThat(run.out()).contains("kv-node-4: leaving").contains("kv-node-3: remove accepted")
                .contains("kv-node-3: removed");
    }

    @Test
    void theHookSendsOnlyTheFirstValueOfTheSecretFileAsEachRotationStepHasIt() throws Exception {
        String next = "the-next-cluster-secret";
        // old,new (comma-separated, with blanks): the old value is sent.
        gateway = new StubGateway(SECRET, cluster("null", fiveNodes("normal", "normal")));
        gateway.onPost("/admin/v1/nodes/kv-node-4/decommission", 202, "{\"topologyVersion\":\"10:kv-node-4\"}",
                cluster("null", fiveNodes("normal", "left")));

        Run first = runHook(4, "30", " " + SECRET + " , " + next + "\n");

        assertThat(first.exit()).as(first.out() + first.err()).isZero();
        assertThat(gateway.posts()).containsExactly("POST /admin/v1/nodes/kv-node-4/decommission secret=" + SECRET);

        // new,old (one per line, after an empty line): the new value is sent.
        gateway.close();
        gateway = new StubGateway(next, cluster("null", fiveNodes("normal", "normal")));
        gateway.onPost("/admin/v1/nodes/kv-node-4/decommission", 202, "{\"topologyVersion\":\"11:kv-node-4\"}",
                cluster("null", fiveNodes("normal", "left")));

        Run second = runHook(4, "30", "\r\n" + next + "\r\n" + SECRET + "\r\n");

        assertThat(second.exit()).as(second.out() + second.err()).isZero();
        assertThat(gateway.posts()).containsExactly("POST /admin/v1/nodes/kv-node-4/decommission secret=" + next);
        assertThat(first.out() + first.err() + second.out() + second.err()).doesNotContain(SECRET).doesNotContain(next);
    }

    @Test
    void theHookFailsBeforeAskingAnythingWhenTheSecretFileHoldsNoValue() throws Exception {
        gateway = new StubGateway(SECRET, cluster("null", fiveNodes("normal", "normal")));

        Run run = runHook(4, "30", " ,\n\n");

        assertThat(run.exit()).isNotZero();
        assertThat(run.err()).contains("the cluster secret file").contains("holds no value")
                .contains("The StatefulSet was not shrunk");
        assertThat(gateway.requests).isEmpty();
    }

    @Test
    void theHookDoesNothingWhenNoPodGoes() throws Exception {
        gateway = new StubGateway(SECRET, cluster("null", fiveNodes("normal", "normal")));

        Run run = runHook(5, "30");

        assertThat(run.exit()).as(run.out() + run.err()).isZero();
        assertThat(gateway.posts()).isEmpty();
        assertThat(run.out()).contains("nothing to hand over");
    }

    @Test
    void aRefusalOrATimeoutFailsTheHookWithTheReason() throws Exception {
        gateway = new StubGateway(SECRET, cluster("null", fiveNodes("normal", "normal")));
        gateway.refuseAll(409, """
                {"title":"Membership change refused","status":409,
                 "detail":"kv-node-4 cannot be decommissioned: fewer than 3 normal members would remain"}""");

        Run refused = runHook(4, "30");

        assertThat(refused.exit()).isNotZero();
        assertThat(refused.err()).contains("decommission of kv-node-4 refused (HTTP 409): kv-node-4 cannot be "
                + "decommissioned: fewer than 3 normal members would remain")
                .contains("The StatefulSet was not shrunk");

        gateway.close();
        gateway = new StubGateway(SECRET, cluster("null", fiveNodes("normal", "leaving")));
        Run late = runHook(4, "1");

        assertThat(late.exit()).isNotZero();
        assertThat(late.err()).contains("kv-node-4 is still leaving after 1s (scaleDown.timeout)");
        assertThat(gateway.posts()).isEmpty();
    }

    @Test
    void theHookAsksOnlyWhenNoOtherChangeIsUnderWayAndAgainAfterARefusal() throws Exception {
        String joining = cluster(transition("join", "kv-node-5", 3, 9, 0, "60"), fiveNodes("normal", "normal"));
        String idle = cluster("null", fiveNodes("normal", "normal"));
        gateway = new StubGateway(SECRET, joining);
        gateway.clusterViews(joining, joining, joining, idle);
        // The first ask races with another change that has just begun; the second comes after it.
        gateway.onPost("/admin/v1/nodes/kv-node-4/decommission", 409, """
                {"status":409,"detail":"another membership change is under way (join of kv-node-6)"}""",
                cluster(transition("join", "kv-node-6", 1, 9, 0, "60"), fiveNodes("normal", "normal")), idle);
        gateway.onPost("/admin/v1/nodes/kv-node-4/decommission", 202, "{\"topologyVersion\":\"13:kv-node-4\"}",
                cluster("null", fiveNodes("normal", "leaving")), cluster("null", fiveNodes("normal", "left")));

        Run run = runHook(4, "30");

        assertThat(run.exit()).as(run.out() + run.err()).isZero();
        assertThat(gateway.posts()).containsExactly(
                "POST /admin/v1/nodes/kv-node-4/decommission secret=" + SECRET,
                "POST /admin/v1/nodes/kv-node-4/decommission secret=" + SECRET);
        assertThat(run.out()).contains("kv-node-4: normal (alive)  join of kv-node-5: ranges 3/9")
                .contains("kv-node-4: another change comes first (another membership change is under way")
                .contains("kv-node-4: decommission accepted (topology 13:kv-node-4)")
                .contains("kv-node-4: left");
    }
}
