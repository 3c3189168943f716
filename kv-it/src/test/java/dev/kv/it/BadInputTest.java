package dev.kv.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static dev.kv.it.TestSupport.expectProblem;
import static dev.kv.it.TestSupport.expectStatus;
import static dev.kv.it.TestSupport.liveValues;
import static dev.kv.it.TestSupport.onlySibling;
import static dev.kv.it.TestSupport.uniqueKey;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Limits and bad input (DESIGN §2): the largest value round-trips byte for byte, anything larger is 413; bad keys and
 * bad parameters are 400 problems; and none of them stores anything or changes a stored value.
 */
class BadInputTest {

    @RegisterExtension
    static final KvClusterExtension cluster = new KvClusterExtension();

    private static final int VALUE_MAX = 1024 * 1024;
    private static final int FLOOD = 150;

    @Test
    void valueOfExactlyOneMebibyteRoundTripsByteExactOnEveryReplica() {
        String key = uniqueKey("one-mebibyte");
        byte[] value = new byte[VALUE_MAX];
        new Random(42).nextBytes(value);

        expectStatus(cluster.gateway().put(key).params("w=all").body(value, "application/octet-stream").send(), 204);

        Reply get = expectStatus(cluster.gateway().read(key), 200);
        assertThat(get.body().length).isEqualTo(VALUE_MAX);
        assertThat(get.body()).isEqualTo(value);
        for (KvNode node : cluster.nodes()) {
            assertThat(onlySibling(node.internalRead(key)).value()).as(node.id()).isEqualTo(value);
        }
    }

    @Test
    void valueOneByteOverTheLimitIsRefusedWith413AndNothingIsStored() {
        byte[] tooLarge = new byte[VALUE_MAX + 1];
        new Random(7).nextBytes(tooLarge);
        GatewayClient gateway = cluster.gateway();

        String fresh = uniqueKey("too-large-fresh");
        expectProblem(gateway.put(fresh).body(tooLarge, "application/octet-stream").send(), 413);
        expectProblem(gateway.read(fresh, "r=all"), 404);

        String existing = uniqueKey("too-large-existing");
        Reply before = expectStatus(gateway.write(existing, "small", "w=all"), 204);
        expectProblem(gateway.put(existing).body(tooLarge, "application/octet-stream").send(), 413);
        assertUnchanged(existing, "small", before.context());
    }

    @Test
    void keyOfExactly1024BytesIsAccepted() {
        String prefix = uniqueKey("long");
        String key = prefix + "/" + "k".repeat(1024 - prefix.length() - 1);
        assertThat(TestSupport.utf8(key)).hasSize(1024);
        expectStatus(cluster.gateway().write(key, "longest key"), 204);
        assertThat(expectStatus(cluster.gateway().read(key), 200).text()).isEqualTo("longest key");
    }

    /**
     * Each case: the raw path after {@code /v1/kv/} ({@code {p}} stands for a fresh unique prefix), and the key a
     * normalising server would have stored instead, which must stay absent.
     */
    @ParameterizedTest(name = "[{index}] /v1/kv/{0}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
            "''|-",
            "{p}/a//b|{p}/a/b",
            "{p}//a|{p}/a",
            "{p}/a/../b|{p}/b",
            "{p}/./a|{p}/a",
            "{p}/a/.|{p}/a",
            "../cluster|-",
            "{p}/%2E%2E/b|{p}/b",
            "{p}/%2E/a|{p}/a",
            "{p}/a%2F%2Fb|{p}/a/b",
            "1025 ASCII bytes|-",
            "1025 UTF-8 bytes|-"})
    void badKeyIsRefusedWith400ProblemAndNothingIsStored(String rawKey, String normalisedKey) {
        String prefix = uniqueKey("bad-key");
        String raw = switch (rawKey) {
            case "1025 ASCII bytes" -> "k".repeat(1025);
            case "1025 UTF-8 bytes" -> "%E2%82%AC".repeat(341) + "ab"; // 341 × '€' (3 bytes) + 2 = 1025 bytes
            default -> rawKey.replace("{p}", prefix);
        };
        GatewayClient gateway = cluster.gateway();

        Reply put = expectProblem(gateway.raw("PUT", "/v1/kv/" + raw).text("must not be stored").send(), 400);
        assertThat(put.json().get("title").asString()).isEqualTo("Invalid key");
        expectProblem(gateway.raw("GET", "/v1/kv/" + raw).send(), 400);
        expectProblem(gateway.raw("DELETE", "/v1/kv/" + raw).send(), 400);
        if (normalisedKey != null) {
            expectProblem(gateway.read(normalisedKey.replace("{p}", prefix), "r=all"), 404);
        }
    }

    @Test
    void keyRouteWithoutAKeyIsRefusedWith400() {
        expectProblem(cluster.gateway().raw("PUT", "/v1/kv").text("no key").send(), 400);
        expectProblem(cluster.gateway().raw("GET", "/v1/kv").send(), 400);
        expectProblem(cluster.gateway().raw("GET", "/v1/kv/").send(), 400);
    }

    /**
     * Tomcat refuses percent-encoded bytes that are not UTF-8 before the gateway sees them, with its own (HTML) 400,
     * so only the status is asserted; nothing may be stored under any reading of those bytes.
     */
    @ParameterizedTest(name = "/v1/kv/{0}")
    @CsvSource({"%FF", "{p}%FF", "{p}/%E2%82", "{p}/%C0%AF"})
    void keyThatIsNotUtf8IsRefusedWith400(String rawKey) {
        String prefix = uniqueKey("not-utf8");
        String raw = rawKey.replace("{p}", prefix);
        expectStatus(cluster.gateway().raw("PUT", "/v1/kv/" + raw).text("x").send(), 400);
        expectStatus(cluster.gateway().raw("GET", "/v1/kv/" + raw).send(), 400);
        // A lenient server would have stored the key with U+FFFD in place of the bad bytes.
        expectProblem(cluster.gateway().read(lenientlyDecoded(raw), "r=all"), 404);
    }

    private static String lenientlyDecoded(String raw) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < raw.length(); i++) {
            if (raw.charAt(i) == '%') {
                bytes.write(Integer.parseInt(raw.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                bytes.write(raw.charAt(i));
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @ParameterizedTest(name = "PUT ?{0}")
    @CsvSource({"w=0,w", "w=4,w", "w=abc,w", "w=,w", "consistency=bogus,consistency", "ttl=-1,ttl", "ttl=0,ttl",
            "ttl=abc,ttl", "ttl=1.5,ttl", "consistancy=strong,consistancy", "r=2,r", "sloppy=maybe,sloppy",
            "w=2&w=3,w"})
    void putWithBadParameterIsRefusedWith400AndStoresNothing(String query, String parameter) {
        GatewayClient gateway = cluster.gateway();
        String fresh = uniqueKey("bad-put-param");
        Reply refused = expectProblem(gateway.raw("PUT", "/v1/kv/" + fresh + "?" + query).text("nope").send(), 400);
        assertThat(refused.json().get("parameter").asString()).as(refused::toString).isEqualTo(parameter);
        expectProblem(gateway.read(fresh, "r=all"), 404);

        String existing = uniqueKey("bad-put-param-existing");
        Reply before = expectStatus(gateway.write(existing, "original", "w=all"), 204);
        expectProblem(gateway.raw("PUT", "/v1/kv/" + existing + "?" + query).text("tampered").send(), 400);
        assertUnchanged(existing, "original", before.context());
    }

    @ParameterizedTest(name = "GET ?{0}")
    @CsvSource({"r=0,r", "r=4,r", "r=abc,r", "r=-1,r", "consistency=bogus,consistency", "w=2,w", "ttl=5,ttl",
            "sloppy=true,sloppy", "consistancy=strong,consistancy"})
    void getWithBadParameterIsRefusedWith400(String query, String parameter) {
        String key = uniqueKey("bad-get-param");
        Reply before = expectStatus(cluster.gateway().write(key, "readable", "w=all"), 204);
        Reply refused = expectProblem(cluster.gateway().raw("GET", "/v1/kv/" + key + "?" + query).send(), 400);
        assertThat(refused.json().get("parameter").asString()).as(refused::toString).isEqualTo(parameter);
        assertUnchanged(key, "readable", before.context());
    }

    @ParameterizedTest(name = "DELETE ?{0}")
    @CsvSource({"w=0,w", "w=4,w", "w=abc,w", "consistency=bogus,consistency", "ttl=5,ttl", "r=1,r",
            "sloppy=maybe,sloppy"})
    void deleteWithBadParameterIsRefusedWith400AndDeletesNothing(String query, String parameter) {
        String key = uniqueKey("bad-delete-param");
        Reply before = expectStatus(cluster.gateway().write(key, "still here", "w=all"), 204);
        Reply refused = expectProblem(cluster.gateway().raw("DELETE", "/v1/kv/" + key + "?" + query).send(), 400);
        assertThat(refused.json().get("parameter").asString()).as(refused::toString).isEqualTo(parameter);
        assertUnchanged(key, "still here", before.context());
    }

    @Test
    void putWithAContextTheStoreNeverIssuedIsRefusedWith400() {
        String key = uniqueKey("bad-context");
        Reply before = expectStatus(cluster.gateway().write(key, "original", "w=all"), 204);
        for (String context : new String[] {"not*base64", "AAAA", before.context() + "x"}) {
            Reply refused = expectProblem(cluster.gateway().put(key).context(context).text("tampered").send(), 400);
            assertThat(refused.json().get("parameter").asString()).as(refused::toString).isEqualTo("X-KV-Context");
        }
        assertUnchanged(key, "original", before.context());
    }

    @Test
    void internalApiRefusesCallersWithoutTheClusterSecret() {
        String key = uniqueKey("secret");
        expectStatus(cluster.gateway().write(key, "guarded", "w=all"), 204);
        for (KvNode node : cluster.nodes()) {
            assertThat(node.statusWithoutSecret("internal/v1/info")).as(node.id()).isEqualTo(401);
            assertThat(node.statusWithoutSecret("internal/v1/replica?key=" + KeyPaths.internal(key)))
                    .as(node.id()).isEqualTo(401);
        }
    }

    /**
     * A flood of 1 MiB PUTs, far more than the gateway's heap (192 MiB here; a hundred filled 96 MiB before the body
     * budget): each is stored or refused with a 503 and Retry-After before its body is read, nothing else; the gateway
     * runs out of nothing and serves on.
     */
    @Test
    void aFloodOfLargePutsIsAnsweredStoredOrRefusedAndTheGatewayServesOn() throws Exception {
        byte[] value = new byte[VALUE_MAX];
        new Random(3).nextBytes(value);
        Map<Integer, Integer> statuses = new ConcurrentSkipListMap<>();
        List<String> refusalsWithoutRetryAfter = new CopyOnWriteArrayList<>();
        try (ExecutorService clients = Executors.newFixedThreadPool(FLOOD)) {
            List<Future<?>> sent = new ArrayList<>();
            for (int i = 0; i < FLOOD; i++) {
                String key = uniqueKey("flood");
                sent.add(clients.submit(() -> {
                    Reply reply = cluster.gateway().put(key).body(value, "application/octet-stream").send();
                    statuses.merge(reply.status(), 1, Integer::sum);
                    if (reply.status() == 503 && reply.optionalHeader("Retry-After").isEmpty()) {
                        refusalsWithoutRetryAfter.add(key);
                    }
                }));
            }
            for (Future<?> request : sent) {
                request.get(2, TimeUnit.MINUTES);
            }
        }

        assertThat(statuses.keySet()).as("statuses %s", statuses).isSubsetOf(204, 503);
        assertThat(statuses.getOrDefault(204, 0)).as("stored").isPositive();
        assertThat(refusalsWithoutRetryAfter).isEmpty();
        // The gateway serves on at once; a node the flood held up (its gossip late, its breaker open) may need a
        // moment to be judged alive again, and then every replica takes writes.
        String key = uniqueKey("after-flood");
        expectStatus(cluster.gateway().write(key, "still serving"), 204);
        assertThat(expectStatus(cluster.gateway().read(key), 200).text()).isEqualTo("still serving");
        cluster.cluster().awaitGatewaySeesAllNodesUp();
        expectStatus(cluster.gateway().write(uniqueKey("after-flood"), "every replica", "w=all"), 204);
        assertThat(Files.readString(cluster.cluster().logFiles().stream()
                .filter(log -> log.getFileName().toString().startsWith("gateway")).findFirst().orElseThrow()))
                .doesNotContain("OutOfMemoryError");
    }

    /**
     * Connections that never send a request, and requests whose headers stall, hold no worker the others need: the
     * gateway serves other clients meanwhile, and closes the stalled connections after its connection timeout (5 s).
     */
    @Test
    void slowAndIdleConnectionsDoNotStopTheGatewayServingOthers() throws IOException {
        List<Socket> held = new ArrayList<>();
        try {
            for (int i = 0; i < 200; i++) {
                held.add(new Socket(InetAddress.getLoopbackAddress(), cluster.gateway().baseUri().getPort()));
            }
            for (int i = 0; i < 50; i++) {
                Socket slow = new Socket(InetAddress.getLoopbackAddress(), cluster.gateway().baseUri().getPort());
                slow.getOutputStream().write("GET /v1/cluster HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "
                        .getBytes(StandardCharsets.US_ASCII));
                held.add(slow);
            }

            for (int i = 0; i < 20; i++) {
                String key = uniqueKey("beside-stalled");
                expectStatus(cluster.gateway().write(key, "served", "w=all"), 204);
                assertThat(expectStatus(cluster.gateway().read(key), 200).text()).isEqualTo("served");
            }

            Set<Socket> closed = new HashSet<>();
            await("the gateway closing the stalled connections").atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                for (Socket socket : held) {
                    if (!closed.contains(socket) && closedByPeer(socket)) {
                        closed.add(socket);
                    }
                }
                assertThat(closed).hasSameSizeAs(held);
            });
        } finally {
            for (Socket socket : held) {
                socket.close();
            }
        }
    }

    /** Whether the other side has closed the connection (whatever it sent first); false while it stays open. */
    private static boolean closedByPeer(Socket socket) throws IOException {
        socket.setSoTimeout(20);
        byte[] buffer = new byte[1024];
        try {
            while (socket.getInputStream().read(buffer) >= 0) {
                // an answer (a 408 or 400) before the close: read past it
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            return true; // reset
        }
    }

    /** The key still reads, on every replica, as the value and version it had before the refused request. */
    private static void assertUnchanged(String key, String value, String context) {
        Reply get = expectStatus(cluster.gateway().read(key, "r=all"), 200);
        assertThat(get.text()).isEqualTo(value);
        assertThat(get.context()).isEqualTo(context);
        for (KvNode node : cluster.nodes()) {
            assertThat(liveValues(node.internalRead(key))).as(node.id()).containsExactly(value);
        }
    }
}
