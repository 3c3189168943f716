package dev.kv.it;

import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The chart under {@code helm/kv}, rendered in-process by helm-java (the Helm library itself, no CLI) and parsed
 * into fabric8's Kubernetes model classes.
 */
final class HelmChart {

    static final String RELEASE = "kv";
    static final String NAMESPACE = "kv-test";
    /** helm template assumes an old Kubernetes by default; the chart requires 1.25 or later. */
    static final String KUBE_VERSION = "1.31.0";

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private HelmChart() {
    }

    static Path chart() {
        return Path.of(System.getProperty("kv.chart", "../helm/kv")).toAbsolutePath().normalize();
    }

    static Helm helm() {
        return new Helm(chart());
    }

    /**
     * {@code helm template kv helm/kv --namespace kv-test --set k=v ...} as YAML. Both secrets are given (unless the
     * caller gives its own), so the chart's {@code lookup} of a previous release's Secret, which needs a cluster, is
     * skipped.
     */
    static String render(Map<String, Object> values) {
        var template = helm().template().withName(RELEASE).withNamespace(NAMESPACE).withKubeVersion(KUBE_VERSION);
        Map<String, Object> all = new java.util.LinkedHashMap<>(Map.of("auth.clusterSecret", "test-cluster-secret",
                "auth.adminPassword", "test-admin-password"));
        all.putAll(values);
        all.forEach(template::set);
        return template.call();
    }

    /** The rendered objects; Helm's test hooks included. */
    static List<HasMetadata> objects(String yaml) {
        List<HasMetadata> objects = new ArrayList<>();
        for (String document : yaml.split("(?m)^---\\s*$")) {
            if (document.lines().allMatch(line -> line.isBlank() || line.trim().startsWith("#"))) {
                continue;
            }
            Object parsed = SERIALIZATION.unmarshal(document);
            if (parsed instanceof KubernetesList list) {
                objects.addAll(list.getItems());
            } else if (parsed instanceof HasMetadata object) {
                objects.add(object);
            }
        }
        return objects;
    }

    /** An object as YAML, the way {@code k8s/} holds it. */
    static String yaml(HasMetadata object) {
        return SERIALIZATION.asYaml(object);
    }

    static <T extends HasMetadata> T one(List<HasMetadata> objects, Class<T> kind, String name) {
        return objects.stream().filter(kind::isInstance).map(kind::cast)
                .filter(o -> o.getMetadata().getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind.getSimpleName() + " " + name + " in "
                        + objects.stream().map(o -> o.getKind() + "/" + o.getMetadata().getName()).toList()));
    }
}
