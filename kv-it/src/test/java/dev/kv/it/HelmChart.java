package dev.kv.it;

import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

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
    private static final String HOOK = "helm.sh/hook";
    private static final String HOOK_STAND_IN = "kv-test.invalid/hook";

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
        return render(new Helm(chart()), values);
    }

    private static String render(Helm helm, Map<String, Object> values) {
        var template = helm.template().withName(RELEASE).withNamespace(NAMESPACE).withKubeVersion(KUBE_VERSION);
        Map<String, Object> all = new java.util.LinkedHashMap<>(Map.of("auth.clusterSecret", "test-cluster-secret",
                "auth.adminPassword", "test-admin-password"));
        all.putAll(values);
        all.forEach(template::set);
        return template.call();
    }

    /**
     * {@link #render} of a copy of the chart without {@code values.schema.json}: what the templates alone accept, as
     * with a Helm that skips schema validation ({@code --skip-schema-validation}). The chart's own checks
     * ({@code kv.validateValues}) must refuse what the schema refuses, where they can.
     */
    static String renderWithoutSchema(Map<String, Object> values) {
        return withCopy((relative, text) -> relative.toString().equals("values.schema.json") ? null : text,
                chart -> render(new Helm(chart), values));
    }

    /** What a copy of a chart file becomes: its text, changed or not, or {@code null} to leave the file out. */
    private interface FileCopy {
        String copy(Path relative, String text);
    }

    /** The chart copied file by file through {@code copy} into a temporary directory, given to {@code use}. */
    private static <T> T withCopy(FileCopy copy, Function<Path, T> use) {
        Path directory = null;
        try {
            directory = Files.createTempDirectory("kv-chart-copy");
            Path target = directory.resolve("kv");
            try (Stream<Path> files = Files.walk(chart())) {
                for (Path source : files.toList()) {
                    Path relative = chart().relativize(source);
                    Path destination = target.resolve(relative.toString());
                    if (Files.isDirectory(source)) {
                        Files.createDirectories(destination);
                        continue;
                    }
                    String text = copy.copy(relative, Files.readString(source));
                    if (text != null) {
                        Files.writeString(destination, text);
                    }
                }
            }
            return use.apply(target);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (directory != null) {
                try {
                    KvCluster.deleteRecursively(directory);
                } catch (IOException ignored) {
                    // a temporary copy left behind
                }
            }
        }
    }

    /**
     * The chart's Helm hooks (the scale-down Job, the test pod) rendered with these values, as objects whose
     * annotations are those of the chart. Helm keeps hook manifests out of a release's manifest, and that manifest is
     * all helm-java's template returns; so a copy of the chart whose templates carry the hook annotations under
     * another name ({@value #HOOK_STAND_IN}) is rendered, and the names are put back on the parsed objects. Only the
     * hooks are returned.
     */
    static List<HasMetadata> hooks(Map<String, Object> values) {
        String rendered = withCopy((relative, text) -> relative.startsWith("templates")
                ? text.replace(HOOK, HOOK_STAND_IN) : text, chart -> render(new Helm(chart), values));
        List<HasMetadata> hooks = new ArrayList<>();
        for (HasMetadata object : objects(rendered)) {
            Map<String, String> annotations = object.getMetadata().getAnnotations();
            if (annotations == null || annotations.keySet().stream().noneMatch(k -> k.startsWith(HOOK_STAND_IN))) {
                continue;
            }
            Map<String, String> restored = new LinkedHashMap<>();
            annotations.forEach((key, value) -> restored.put(
                    key.startsWith(HOOK_STAND_IN) ? HOOK + key.substring(HOOK_STAND_IN.length()) : key, value));
            object.getMetadata().setAnnotations(restored);
            hooks.add(object);
        }
        return hooks;
    }

    /** The rendered objects (Helm keeps hooks out of them: see {@link #hooks}). */
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
