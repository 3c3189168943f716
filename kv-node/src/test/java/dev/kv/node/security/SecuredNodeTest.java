package dev.kv.node.security;

import dev.kv.node.antientropy.AntiEntropyService;
import dev.kv.node.gossip.GossipService;
import dev.kv.node.storage.RecordStore;
import dev.kv.web.testsupport.RawHttp;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.InstantSource;
import java.util.Base64;

/**
 * A node on a random loopback port with a cluster secret, on a data directory that was created open to everyone
 * (0755) before it started. Subclasses share the one Spring context.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
abstract class SecuredNodeTest {

    static final String SECRET = "the-right-cluster-secret";
    static final String WRONG_SECRET = "the-wrong-cluster-secret";
    static final Path DATA_DIR = openDataDirectory();

    @LocalServerPort
    int port;

    @LocalManagementPort
    int managementPort;

    @Autowired
    RecordStore store;

    @Autowired
    AntiEntropyService antiEntropy;

    @Autowired
    GossipService gossip;

    @Autowired
    InstantSource clock;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("kv.node.data-dir", DATA_DIR::toString);
        registry.add("kv.cluster.secret", () -> SECRET);
        registry.add("server.address", () -> "127.0.0.1");
        registry.add("kv.antientropy.enabled", () -> "false");
    }

    private static Path openDataDirectory() {
        try {
            Path data = Files.createTempDirectory("kv-node-security").resolve("data");
            Files.createDirectory(data);
            Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
            return data;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String key(String key) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(key.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    boolean isMember(String nodeId) {
        return gossip.membership().members(clock.millis()).stream()
                .anyMatch(m -> m.state().nodeId().equals(nodeId));
    }

    long repairId() {
        AntiEntropyService.RepairProgress progress = antiEntropy.repair();
        return progress == null ? 0 : progress.id();
    }

    /** Stores {@code value} under {@code key} through the API, with the secret; answers the encoded record. */
    byte[] coordinate(String key, String value) {
        RawHttp.Response written = RawHttp.send(port, "POST", "/internal/v1/coordinate?key=" + key(key) + "&op=put",
                utf8(value), "Content-Type", "application/octet-stream", "X-KV-Cluster-Secret", SECRET);
        if (written.status() != 200) {
            throw new IllegalStateException("seeding " + key + " failed: " + written.status() + " " + written.text());
        }
        return written.body();
    }
}
