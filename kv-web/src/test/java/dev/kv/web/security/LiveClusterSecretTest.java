package dev.kv.web.security;

import dev.kv.core.cluster.ClusterSecret;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

class LiveClusterSecretTest {

    private static final Duration INTERVAL = Duration.ofMillis(20);

    @TempDir
    Path dir;

    @Test
    void aRewrittenFileIsPickedUpWithoutARestart() throws IOException {
        Path file = write("cluster-secret", "old-one\n");
        try (LiveClusterSecret secret = LiveClusterSecret.fromFile(file, INTERVAL)) {
            assertThat(secret.get().current()).isEqualTo("old-one");
            write("cluster-secret", "old-one\nnew-one\n");
            await().atMost(Duration.ofSeconds(5)).until(() -> secret.get().matches("new-one"));
            assertThat(secret.get().current()).as("still sending the old value").isEqualTo("old-one");
            write("cluster-secret", "new-one\n");
            await().atMost(Duration.ofSeconds(5)).until(() -> !secret.get().matches("old-one"));
            assertThat(secret.get().current()).isEqualTo("new-one");
        }
    }

    @Test
    void aSwappedSymlinkAsTheKubeletWritesASecretVolumeIsPickedUp() throws IOException {
        Path first = write("a", "first-one");
        write("b", "second-one");
        Path link = dir.resolve("cluster-secret");
        Files.createSymbolicLink(link, first.getFileName());
        try (LiveClusterSecret secret = LiveClusterSecret.fromFile(link, INTERVAL)) {
            assertThat(secret.get().current()).isEqualTo("first-one");
            Path next = dir.resolve("next");
            Files.createSymbolicLink(next, Path.of("b"));
            Files.move(next, link, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            await().atMost(Duration.ofSeconds(5)).until(() -> secret.get().current().equals("second-one"));
        }
    }

    @Test
    void anEmptyMissingOrUnusableFileKeepsTheSecretHeldSoFar() throws IOException {
        Path file = write("cluster-secret", "kept-one");
        try (LiveClusterSecret secret = LiveClusterSecret.fromFile(file, INTERVAL)) {
            write("cluster-secret", "\n \n");
            write("other", "marker");
            Files.delete(file);
            write("cluster-secret", "not usable");
            // Only a later usable value can replace it; wait for that one to show the reloader kept running.
            write("cluster-secret", "next-one");
            await().atMost(Duration.ofSeconds(5)).until(() -> secret.get().current().equals("next-one"));
            write("cluster-secret", "");
            await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(5))
                    .until(() -> secret.get().current().equals("next-one"));
            assertThat(secret.get().isConfigured()).isTrue();
        }
    }

    @Test
    void aFileWithoutASecretIsRefusedAtStartWithoutEchoingIt() throws IOException {
        Path empty = write("empty", "  \n");
        assertThatIllegalStateException().isThrownBy(() -> LiveClusterSecret.fromFile(empty, INTERVAL))
                .withMessageContaining("holds no secret");
        assertThatIllegalStateException().isThrownBy(() -> LiveClusterSecret.fromFile(dir.resolve("absent"),
                INTERVAL)).withMessageContaining("cannot be read");
        Path spaced = write("spaced", "with space");
        assertThatIllegalStateException().isThrownBy(() -> LiveClusterSecret.fromFile(spaced, INTERVAL))
                .withMessageNotContaining("with space");
    }

    @Test
    void aFixedSecretIsWhatWasConfigured() {
        try (LiveClusterSecret secret = LiveClusterSecret.fixed(ClusterSecret.of("a,b"))) {
            assertThat(secret.get().current()).isEqualTo("a");
            assertThat(secret.get().matches("b")).isTrue();
        }
    }

    private Path write(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Path temporary = dir.resolve(name + ".tmp");
        Files.writeString(temporary, text);
        return Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
