package dev.kv.it;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SecretVolumeSource;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cluster secret as a container of the chart finds it, checked and then emulated outside Kubernetes.
 *
 * <p>{@link #of} checks the rendered pod: the container has no {@code KV_CLUSTER_SECRET} in its environment (nor any
 * reference to the Secret's key {@code cluster-secret}), {@code KV_CLUSTER_SECRET_FILE} names a file inside a volume
 * mounted read-only and without {@code subPath} (a subPath mount is never updated by the kubelet), and that volume is
 * the Secret's key {@code cluster-secret} at that file's place.
 *
 * <p>{@link #write} then lays the file out in a directory of its own the way the kubelet's atomic writer does for a
 * Secret volume: the content in a fresh timestamped directory, {@code ..data} a symlink to it that is swapped by a
 * rename, and the file a symlink through {@code ..data}. So a service reading {@link #file()} sees a Secret update as
 * it would in a pod: the same path, another content, from one instant to the next.
 */
final class ClusterSecretVolume {

    static final String KEY = "cluster-secret";

    private final Path directory;
    private final Path relative;
    private final Set<PosixFilePermission> permissions;
    private Path current;
    private int version;

    private ClusterSecretVolume(Path directory, Path relative, int mode) {
        this.directory = directory;
        this.relative = relative;
        this.permissions = permissions(mode);
    }

    /**
     * Checks how {@code container} of {@code pod} gets the cluster secret (see the class comment) and answers an
     * emulation of its volume under {@code root}.
     *
     * @param secretName the Secret the volume must come from
     */
    static ClusterSecretVolume of(PodSpec pod, Container container, String secretName, Path root) {
        String name = container.getName();
        List<EnvVar> env = container.getEnv() == null ? List.of() : container.getEnv();
        assertThat(env).as("%s's environment", name).noneSatisfy(variable ->
                assertThat(variable.getName()).isEqualTo("KV_CLUSTER_SECRET"));
        assertThat(env).as("%s's environment", name).noneSatisfy(variable -> {
            assertThat(variable.getValueFrom()).isNotNull();
            assertThat(variable.getValueFrom().getSecretKeyRef()).isNotNull();
            assertThat(variable.getValueFrom().getSecretKeyRef().getKey()).isEqualTo(KEY);
        });
        assertThat(container.getEnvFrom()).as("%s's envFrom", name).isNullOrEmpty();

        EnvVar fileVariable = env.stream().filter(v -> v.getName().equals("KV_CLUSTER_SECRET_FILE")).findFirst()
                .orElseThrow(() -> new AssertionError("KV_CLUSTER_SECRET_FILE not set on " + name));
        assertThat(fileVariable.getValueFrom()).isNull();
        Path file = Path.of(fileVariable.getValue());
        assertThat(file.isAbsolute()).as("KV_CLUSTER_SECRET_FILE %s is absolute", file).isTrue();

        List<VolumeMount> mounts = container.getVolumeMounts().stream()
                .filter(m -> file.startsWith(Path.of(m.getMountPath())) && !file.equals(Path.of(m.getMountPath())))
                .toList();
        assertThat(mounts).as("volume mounts of %s holding %s", name, file).hasSize(1);
        VolumeMount mount = mounts.getFirst();
        assertThat(mount.getReadOnly()).as("%s mounted read-only", mount.getName()).isTrue();
        assertThat(mount.getSubPath()).as("%s mounted without subPath", mount.getName()).isNullOrEmpty();
        assertThat(mount.getSubPathExpr()).as("%s mounted without subPathExpr", mount.getName()).isNullOrEmpty();

        Volume volume = pod.getVolumes().stream().filter(v -> v.getName().equals(mount.getName())).findFirst()
                .orElseThrow(() -> new AssertionError("no volume " + mount.getName() + " in the pod of " + name));
        SecretVolumeSource secret = volume.getSecret();
        assertThat(secret).as("volume %s is a Secret", volume.getName()).isNotNull();
        assertThat(secret.getSecretName()).isEqualTo(secretName);
        assertThat(secret.getOptional()).as("the Secret is not optional").isNotEqualTo(Boolean.TRUE);
        Path relative = Path.of(mount.getMountPath()).relativize(file);
        int mode = secret.getDefaultMode() == null ? 0644 : secret.getDefaultMode();
        if (secret.getItems() == null || secret.getItems().isEmpty()) {
            assertThat(relative).hasToString(KEY);
        } else {
            KeyToPath item = secret.getItems().stream().filter(i -> i.getKey().equals(KEY)).findFirst()
                    .orElseThrow(() -> new AssertionError("the volume " + volume.getName() + " leaves out " + KEY));
            assertThat(Path.of(item.getPath())).as("where %s is in the volume", KEY).isEqualTo(relative);
            if (item.getMode() != null) {
                mode = item.getMode();
            }
        }
        return new ClusterSecretVolume(root.resolve(volume.getName()), relative, mode);
    }

    /** The file for {@code KV_CLUSTER_SECRET_FILE} outside Kubernetes (it exists once {@link #write} was called). */
    Path file() {
        return directory.resolve(relative);
    }

    /** Sets the Secret's content, as the kubelet does: a new directory, then an atomic swap of {@code ..data}. */
    synchronized void write(String content) {
        try {
            Files.createDirectories(directory);
            Path next = directory.resolve("..kv_test_" + ++version);
            Path file = next.resolve(relative);
            Files.createDirectories(file.getParent());
            Files.writeString(file, content);
            Files.setPosixFilePermissions(file, permissions);
            Path swap = directory.resolve("..data_tmp");
            Files.deleteIfExists(swap);
            Files.createSymbolicLink(swap, next.getFileName());
            Files.move(swap, directory.resolve("..data"), StandardCopyOption.ATOMIC_MOVE);
            Path top = directory.resolve(relative.getName(0));
            if (!Files.isSymbolicLink(top)) {
                Files.createSymbolicLink(top, Path.of("..data").resolve(relative.getName(0)));
            }
            if (current != null) {
                KvCluster.deleteRecursively(current);
            }
            current = next;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] bits = {PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
                PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE,
                PosixFilePermission.GROUP_READ, PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE,
                PosixFilePermission.OWNER_READ};
        for (int bit = 0; bit < bits.length; bit++) {
            if ((mode & (1 << bit)) != 0) {
                permissions.add(bits[bit]);
            }
        }
        return permissions;
    }
}
