package dev.kv.node.security;

import dev.kv.core.codec.RecordBatchCodec;
import dev.kv.core.codec.RecordCodec;
import dev.kv.web.testsupport.RawHttp;
import dev.kv.web.testsupport.Spellings;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 2: the cluster secret is decided on the path Spring MVC routes on. For every protected endpoint of the node
 * ({@code /internal/**}, {@code /admin/**}) the plain path and every other spelling of it, without the secret and
 * with a wrong one, is refused with a 4xx problem, and nothing is read or stored; with the right secret the plain
 * path is served.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PathSpellingSecurityTest extends SecuredNodeTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String STORED_VALUE = "value-only-members-may-read";

    /**
     * One protected call: what it sends, and a view of what it could change (equal before and after when refused).
     * Reads change nothing; for them the check is that the refusal's body is a problem, not the data.
     */
    record Call(String name, String method, String path, String query, Supplier<byte[]> body,
                Supplier<Object> effect) {

        @Override
        public String toString() {
            return name;
        }
    }

    private byte[] seedRecord;

    @BeforeAll
    void seed() {
        seedRecord = coordinate("readable", STORED_VALUE);
    }

    List<Call> calls(String tag) {
        String written = tag + "-written";
        String merged = tag + "-merged";
        String pushed = tag + "-pushed";
        String member = tag + "-member";
        Supplier<byte[]> none = () -> new byte[0];
        Supplier<byte[]> batch = () -> RecordBatchCodec.encode(List.of(new RecordBatchCodec.KeyedRecord(utf8(pushed),
                RecordCodec.decode(seedRecord))));
        Supplier<byte[]> syn = () -> utf8("{\"from\":{\"nodeId\":\"" + member + "\",\"address\":\"http://127.0.0.1:9\","
                + "\"generation\":1,\"version\":1,\"status\":\"NORMAL\"},\"digests\":[]}");
        return List.of(
                new Call("node info", "GET", "/internal/v1/info", "", none, () -> 0),
                new Call("replica read", "GET", "/internal/v1/replica", "?key=" + key("readable"), none,
                        () -> 0),
                new Call("cluster view", "GET", "/internal/v1/cluster", "", none, () -> 0),
                new Call("hints", "GET", "/internal/v1/hints", "", none, () -> 0),
                new Call("coordinate", "POST", "/internal/v1/coordinate", "?key=" + key(written) + "&op=put",
                        () -> utf8("intruder"), () -> store.readEncoded(utf8(written)) == null),
                new Call("replica merge", "PUT", "/internal/v1/replica", "?key=" + key(merged), () -> seedRecord,
                        () -> store.readEncoded(utf8(merged)) == null),
                new Call("merkle push", "PUT", "/internal/v1/merkle/push", "", batch,
                        () -> store.readEncoded(utf8(pushed)) == null),
                new Call("gossip syn", "POST", "/internal/v1/gossip/syn", "", syn, () -> isMember(member)),
                new Call("repair status", "GET", "/admin/v1/repair", "", none, () -> 0),
                new Call("repair start", "POST", "/admin/v1/repair", "", none, this::repairId));
    }

    Stream<Arguments> refusals() {
        List<Arguments> cases = new ArrayList<>();
        for (Call call : calls("refused")) {
            Map<String, String> spellings = new java.util.LinkedHashMap<>();
            spellings.put("plain", call.path());
            spellings.putAll(Spellings.odd(call.path()));
            spellings.forEach((spelling, path) -> {
                cases.add(Arguments.of(call, spelling, path, null));
                cases.add(Arguments.of(call, spelling, path, WRONG_SECRET));
            });
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} spelled {1} ({2}) with secret {3}: refused")
    @MethodSource("refusals")
    void everySpellingWithoutTheRightSecretIsRefusedAndChangesNothing(Call call, String spelling, String path,
                                                                       String secret) throws Exception {
        Object before = call.effect().get();
        String[] headers = secret == null
                ? new String[] {"Content-Type", contentType(call)}
                : new String[] {"Content-Type", contentType(call), "X-KV-Cluster-Secret", secret};
        RawHttp.Response response = RawHttp.send(port, call.method(), path + call.query(), call.body().get(), headers);

        assertThat(response.status()).as(response.text()).isBetween(400, 499);
        assertThat(response.isProblem()).as("problem+json, was %s", response.header("content-type")).isTrue();
        JsonNode problem = JSON.readTree(response.body());
        assertThat(problem.get("status").asInt()).isEqualTo(response.status());
        assertThat(response.text()).doesNotContain(STORED_VALUE, "\"nodeId\"", "\"ranges\"", "\"members\"",
                "\"pendingByTarget\"");
        assertThat(call.effect().get()).as("state after the refused call").isEqualTo(before);
    }

    @Test
    void everyPlainPathWithTheRightSecretIsServed() {
        for (Call call : calls("served")) {
            Object before = call.effect().get();
            RawHttp.Response response = RawHttp.send(port, call.method(), call.path() + call.query(), call.body().get(),
                    "Content-Type", contentType(call), "X-KV-Cluster-Secret", SECRET);
            assertThat(response.status()).as(call.name() + ": " + response.text()).isBetween(200, 299);
            if (call.method().equals("GET")) {
                assertThat(response.body()).as(call.name()).isNotEmpty();
            } else {
                assertThat(call.effect().get()).as(call.name() + " took effect").isNotEqualTo(before);
            }
        }
    }

    @Test
    void theReplicaReadWithTheSecretAnswersTheStoredRecord() {
        RawHttp.Response read = RawHttp.send(port, "GET", "/internal/v1/replica?key=" + key("readable"),
                new byte[0], "X-KV-Cluster-Secret", SECRET);
        assertThat(read.status()).isEqualTo(200);
        assertThat(RecordCodec.decode(read.body())).isEqualTo(RecordCodec.decode(seedRecord));
    }

    @Test
    void publicProbesNeedNoSecret() {
        RawHttp.Response health = RawHttp.send(managementPort, "GET", "/actuator/health/readiness", new byte[0]);
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.text()).contains("UP");
    }

    @Test
    void aRefusalNeverAnswersWithAServerErrorOrHtml() {
        for (String path : List.of("/internal/v1/%2e%2e/%2e%2e/%2e%2e/etc", "/%2e%2e/internal/v1/info",
                "/internal/v1/info%00", "/internal/v1/%zz", "/internal\\v1/info")) {
            RawHttp.Response response = RawHttp.send(port, "GET", path, new byte[0]);
            assertThat(response.status()).as(path).isBetween(400, 499);
            assertThat(response.isProblem()).as(path + ": " + response.header("content-type")).isTrue();
        }
    }

    @Test
    void theDataDirectoryIsTheNodesAlone() throws Exception {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(DATA_DIR))).isEqualTo("rwx------");
    }

    private static String contentType(Call call) {
        return call.path().contains("gossip") ? "application/json" : "application/octet-stream";
    }
}
