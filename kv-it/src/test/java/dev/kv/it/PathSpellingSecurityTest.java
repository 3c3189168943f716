package dev.kv.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The spellings against real processes: the cluster secret is decided on the path the router uses, so
 * {@code /internal;x/...}, {@code /%69nternal/...}, {@code /admin;x/...} and the like, sent byte for byte without the
 * secret or with a wrong one, are refused with a 4xx problem by the nodes and the gateway, read nothing, store nothing,
 * admit no member and start no repair; with the secret the plain paths are served. Also: the secret is on no
 * command line, and the nodes' data is their user's alone.
 */
class PathSpellingSecurityTest {

    @RegisterExtension
    static final KvClusterExtension cluster = new KvClusterExtension();

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** The answer to a raw request: status, content type, body. */
    private record Raw(int status, String contentType, String body) {

        boolean isProblem() {
            return contentType != null && contentType.startsWith("application/problem+json");
        }
    }

    /** Spellings from the issue and their relatives; {@code P} stands for the protected prefix without its slash. */
    private static List<String> spellings(String prefix, String rest) {
        String encodedFirst = "%" + Integer.toHexString(prefix.charAt(0)) + prefix.substring(1);
        StringBuilder full = new StringBuilder();
        for (char c : prefix.toCharArray()) {
            full.append('%').append(Integer.toHexString(c));
        }
        return List.of("/" + prefix + rest, "/" + prefix + ";x" + rest, "/" + prefix + ";" + rest,
                "/" + encodedFirst + rest, "/" + full + rest, "//" + prefix + rest, "/./" + prefix + rest,
                "/x/%2e%2e/" + prefix + rest, "/x/../" + prefix + rest);
    }

    private static String key(String key) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(key.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void oddSpellingsOfTheNodesInternalApiReadAndStoreNothing() throws Exception {
        KvNode node = cluster.node(0);
        String stored = TestSupport.uniqueKey("members-only");
        cluster.gateway().write(stored, "members-only-value", "w=all");
        String intruding = TestSupport.uniqueKey("intruder-write");
        for (String secret : new String[] {null, "wrong-" + cluster.cluster().clusterSecret()}) {
            for (String path : spellings("internal", "/v1/info")) {
                assertRefused(send(node.port(), "GET", path, secret, new byte[0]), path);
            }
            for (String path : spellings("internal", "/v1/replica?key=" + key(stored))) {
                Raw answer = send(node.port(), "GET", path, secret, new byte[0]);
                assertRefused(answer, path);
                assertThat(answer.body()).doesNotContain("members-only-value");
            }
            for (String path : spellings("internal", "/v1/coordinate?key=" + key(intruding) + "&op=put")) {
                assertRefused(send(node.port(), "POST", path, secret, utf8("stored by an intruder")), path);
            }
            for (String path : spellings("internal", "/v1/gossip/syn")) {
                byte[] syn = utf8("{\"from\":{\"nodeId\":\"intruder\",\"address\":\"http://127.0.0.1:9\","
                        + "\"generation\":1,\"version\":1,\"status\":\"NORMAL\"},\"digests\":[]}");
                assertRefused(send(node.port(), "POST", path, secret, syn), path);
            }
        }
        for (KvNode replica : cluster.nodes()) {
            assertThat(replica.internalRead(intruding).siblings()).as("%s holds the intruder's write", replica)
                    .isEmpty();
            assertThat(replica.clusterView().toString()).as("%s's view", replica).doesNotContain("intruder");
        }
    }

    @Test
    void oddSpellingsOfTheAdminApiStartNoRepairOnANodeOrThroughTheGateway() throws Exception {
        List<Long> before = repairIds();
        int gatewayPort = cluster.gateway().baseUri().getPort();
        for (String secret : new String[] {null, "wrong-" + cluster.cluster().clusterSecret()}) {
            for (String path : spellings("admin", "/v1/repair")) {
                assertRefused(send(gatewayPort, "POST", path, secret, new byte[0]), "gateway " + path);
                assertRefused(send(gatewayPort, "GET", path, secret, new byte[0]), "gateway " + path);
                assertRefused(send(cluster.node(1).port(), "POST", path, secret, new byte[0]), "node " + path);
            }
        }
        assertThat(repairIds()).as("repair ids on every node").isEqualTo(before);
    }

    @Test
    void noKeyPathOfTheGatewayReachesItsAdminApi() throws Exception {
        List<Long> before = repairIds();
        int gatewayPort = cluster.gateway().baseUri().getPort();
        for (String path : List.of("/v1/kv/../admin/v1/repair", "/v1/kv/%2e%2e/admin/v1/repair",
                "/v1/kv/..;x/admin/v1/repair", "/v1/kv/a/../../admin/v1/repair")) {
            Raw answer = send(gatewayPort, "POST", path, null, new byte[0]);
            assertThat(answer.status()).as(path + ": " + answer.body()).isEqualTo(400);
            assertThat(answer.isProblem()).as(path).isTrue();
        }
        assertThat(repairIds()).isEqualTo(before);
    }

    @Test
    void thePlainPathsWithTheSecretAreServed() throws Exception {
        String secret = cluster.cluster().clusterSecret();
        int gatewayPort = cluster.gateway().baseUri().getPort();
        Raw info = send(cluster.node(0).port(), "GET", "/internal/v1/info", secret, new byte[0]);
        assertThat(info.status()).isEqualTo(200);
        assertThat(JSON.readTree(info.body()).get("nodeId").asString()).isEqualTo(cluster.node(0).id());
        Raw repair = send(gatewayPort, "GET", "/admin/v1/repair", secret, new byte[0]);
        assertThat(repair.status()).isEqualTo(200);
        JsonNode nodes = JSON.readTree(repair.body()).get("nodes");
        assertThat(nodes.size()).isEqualTo(cluster.nodes().size());
    }

    @Test
    void theSecretIsOnNoCommandLineAndTheDataIsTheNodesAlone() throws Exception {
        String secret = cluster.cluster().clusterSecret();
        for (long pid : cluster.cluster().pids()) {
            String commandLine = Files.readString(Path.of("/proc", Long.toString(pid), "cmdline"),
                    StandardCharsets.ISO_8859_1);
            assertThat(commandLine).as("command line of pid %d", pid).isNotBlank().doesNotContain(secret);
        }
        Set<PosixFilePermission> others = Set.of(PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
                PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE,
                PosixFilePermission.OTHERS_EXECUTE);
        for (KvNode node : cluster.nodes()) {
            List<Path> files;
            try (Stream<Path> walk = Files.walk(node.dataDirectory())) {
                files = walk.toList();
            }
            assertThat(files).as("files of %s", node).hasSizeGreaterThan(3);
            for (Path file : files) {
                assertThat(Files.getPosixFilePermissions(file)).as(file.toString()).doesNotContainAnyElementsOf(others);
            }
        }
    }

    private List<Long> repairIds() {
        List<Long> ids = new ArrayList<>();
        for (KvNode node : cluster.nodes()) {
            JsonNode repair = node.repairStatus().get("repair");
            ids.add(repair == null || repair.isNull() ? 0 : repair.get("id").asLong());
        }
        return ids;
    }

    private static void assertRefused(Raw answer, String path) {
        assertThat(answer.status()).as(path + ": " + answer.body()).isIn(400, 401, 403);
        assertThat(answer.isProblem()).as(path + ": content type " + answer.contentType()).isTrue();
        assertThat(JSON.readTree(answer.body()).get("status").asInt()).isEqualTo(answer.status());
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** The request line exactly as given (every HTTP client would normalise or refuse these paths). */
    private static Raw send(int port, String method, String target, String secret, byte[] body) {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout((int) GatewayClient.REQUEST_TIMEOUT.toMillis());
            String head = method + " " + target + " HTTP/1.0\r\nHost: 127.0.0.1:" + port + "\r\nConnection: close\r\n"
                    + "Content-Type: " + (target.contains("gossip") ? "application/json" : "application/octet-stream")
                    + "\r\n" + (secret == null ? "" : "X-KV-Cluster-Secret: " + secret + "\r\n")
                    + "Content-Length: " + body.length + "\r\n\r\n";
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
            return parse(socket.getInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Raw parse(InputStream in) throws IOException {
        byte[] raw = in.readAllBytes();
        String text = new String(raw, StandardCharsets.UTF_8);
        int end = text.indexOf("\r\n\r\n");
        String[] head = text.substring(0, end).split("\r\n");
        String contentType = null;
        for (String line : head) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-type:")) {
                contentType = line.substring("content-type:".length()).trim();
            }
        }
        return new Raw(Integer.parseInt(head[0].split(" ")[1]), contentType, text.substring(end + 4));
    }
}
