package dev.kv.gateway.auth;

import dev.kv.core.record.Record;
import dev.kv.gateway.support.FakeReplicas;
import dev.kv.gateway.support.GatewayTest;
import dev.kv.gateway.support.Versions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.TestPropertySource;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Client roles on the gateway: a reader and a writer limited to {@code app1/}, an admin; each allowed and refused on
 * the right operations and prefixes, 401 and 403 problems, refusals counted and audited, admin changes audited, and no
 * key ever in a log or an answer.
 */
@ExtendWith(OutputCaptureExtension.class)
@TestPropertySource(properties = {
        "kv.gateway.auth.enabled=true",
        "kv.gateway.auth.clients[0].name=reader",
        "kv.gateway.auth.clients[0].key-sha256=" + ClientAuthTest.READER_SHA,
        "kv.gateway.auth.clients[0].roles=read",
        "kv.gateway.auth.clients[0].prefixes=app1/",
        "kv.gateway.auth.clients[1].name=writer",
        "kv.gateway.auth.clients[1].key-sha256=" + ClientAuthTest.WRITER_SHA,
        "kv.gateway.auth.clients[1].roles=read,write",
        "kv.gateway.auth.clients[1].prefixes=app1/,shared/",
        "kv.gateway.auth.clients[2].name=ops",
        "kv.gateway.auth.clients[2].key-sha256=" + ClientAuthTest.ADMIN_SHA,
        "kv.gateway.auth.clients[2].roles=admin",
        "kv.cluster.secret=" + ClientAuthTest.SECRET})
class ClientAuthTest extends GatewayTest {

    static final String SECRET = "client-auth-test-cluster-secret";
    static final String READER_KEY = "reader-key-4f1c9a";
    static final String WRITER_KEY = "writer-key-88e0b2";
    static final String ADMIN_KEY = "admin-key-1d7f33";
    // printf %s "$KEY" | sha256sum
    static final String READER_SHA = "9aaedbe505b6164767fce7257ad377086f610dca25b914624ea2faf4b1f9b9c1";
    static final String WRITER_SHA = "27537088ac2583eae8d04b6bd2999a3ab173f03ad028bb90cd789d2dcc7b6af9";
    static final String ADMIN_SHA = "c27376c8625a9491b8b0eede351b18ca0a52167a51dc828a168f312b2d31f654";

    private static String bearer(String key) {
        return "Bearer " + key;
    }

    private HttpResponse<byte[]> send(String method, String path, String key) {
        String[] headers = key == null ? new String[0] : new String[] {"Authorization", bearer(key)};
        return switch (method) {
            case "PUT" -> put(path, "v", headers);
            case "POST" -> send("POST", path, java.net.http.HttpRequest.BodyPublishers.noBody(), headers);
            case "DELETE" -> send("DELETE", path, java.net.http.HttpRequest.BodyPublishers.noBody(), headers);
            default -> get(path, headers);
        };
    }

    private int status(String method, String path, String key) {
        return send(method, path, key).statusCode();
    }

    @Test
    void withoutAKnownKeyEveryPublicPathIs401WithAProblemAndTheChallenge() {
        for (String path : new String[] {"/v1/kv/app1/x", "/v1/cluster", "/v1/cluster/ring"}) {
            HttpResponse<byte[]> none = get(path);
            HttpResponse<byte[]> wrong = get(path, "Authorization", bearer("not-a-key"));
            for (HttpResponse<byte[]> refused : java.util.List.of(none, wrong)) {
                assertThat(refused.statusCode()).as(path).isEqualTo(401);
                assertThat(refused.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                        v -> assertThat(v).startsWith("Bearer"));
                assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            }
        }
        assertThat(status("PUT", "/v1/kv/app1/x", null)).isEqualTo(401);
        for (String id : FakeReplicas.IDS) {
            assertThat(replicas.server(id).findAll(anyRequestedFor(urlPathMatching("/internal/v1/(replica|coordinate)"
                    + ".*")))).as("data calls to %s", id).isEmpty();
        }
    }

    @Test
    void aReaderReadsWithinItsPrefixOnly() {
        String key = "app1/" + uniqueKey("read");
        replicas.stubReadEverywhere(key, Versions.put(Record.EMPTY, "hello", "n1:1"));

        assertThat(send("GET", "/v1/kv/" + key, READER_KEY).statusCode()).isEqualTo(200);
        assertThat(status("GET", "/v1/kv/app2/" + uniqueKey("other"), READER_KEY)).isEqualTo(403);
        assertThat(status("PUT", "/v1/kv/" + key, READER_KEY)).isEqualTo(403);
        assertThat(status("DELETE", "/v1/kv/" + key, READER_KEY)).isEqualTo(403);
        assertThat(status("GET", "/v1/cluster", READER_KEY)).isEqualTo(200);
    }

    @Test
    void aWriterWritesAndDeletesWithinItsPrefixesOnly() {
        for (String prefix : new String[] {"app1/", "shared/"}) {
            String key = prefix + uniqueKey("write");
            replicas.stubWritesEverywhere(key, Versions.put(Record.EMPTY, "v", "n1:1"));
            assertThat(status("PUT", "/v1/kv/" + key, WRITER_KEY)).as(key).isEqualTo(204);
        }
        assertThat(status("PUT", "/v1/kv/app2/" + uniqueKey("other"), WRITER_KEY)).isEqualTo(403);
        assertThat(status("PUT", "/v1/kv/app1", WRITER_KEY)).as("the prefix is a prefix, not a key").isEqualTo(403);
        assertThat(status("GET", "/admin/v1/repair", WRITER_KEY)).isEqualTo(403);
    }

    @Test
    void anAdminKeyReachesEveryKeyAndTheAdminApiAsDoesTheClusterSecret(CapturedOutput output) {
        String key = "anywhere/" + uniqueKey("admin");
        replicas.stubWritesEverywhere(key, Versions.put(Record.EMPTY, "v", "n1:1"));
        assertThat(status("PUT", "/v1/kv/" + key, ADMIN_KEY)).isEqualTo(204);

        assertThat(status("GET", "/admin/v1/repair", ADMIN_KEY)).isEqualTo(200);
        assertThat(send("POST", "/admin/v1/repair", ADMIN_KEY).statusCode()).isEqualTo(202);
        assertThat(get("/admin/v1/repair", "X-KV-Cluster-Secret", SECRET).statusCode()).isEqualTo(200);
        assertThat(status("GET", "/admin/v1/repair", READER_KEY)).isEqualTo(403);
        assertThat(status("GET", "/admin/v1/repair", "not-a-key")).isEqualTo(401);
        assertThat(get("/admin/v1/repair").statusCode()).isEqualTo(401);

        assertThat(get("/v1/kv/" + key, "X-KV-Cluster-Secret", SECRET).statusCode())
                .as("the cluster secret is an admin's credential on the public API too").isNotIn(401, 403);
        assertThat(get("/v1/kv/" + key, "X-KV-Cluster-Secret", "wrong").statusCode()).isEqualTo(401);

        assertThat(output.getOut()).contains("kv.audit").contains("admin who=ops what=\"POST /admin/v1/repair\" "
                + "status=202");
    }

    @Test
    void refusalsAreCountedAndAuditedWithoutAnyCredential(CapturedOutput output) {
        String other = "app2/" + uniqueKey("audited");
        status("PUT", "/v1/kv/" + other, WRITER_KEY);
        status("GET", "/v1/kv/app1/x", "wrong-key-value");

        assertThat(output.getOut()).contains("refused who=writer what=\"PUT /v1/kv/" + other + "\" status=403")
                .contains("why=\"wrong API key\"");
        String metrics = new String(get("/admin/v1/metrics", "X-KV-Cluster-Secret", SECRET).body(),
                StandardCharsets.UTF_8);
        assertThat(metrics).containsPattern("kv_auth_refusals_total\\{[^}]*credential=\"api-key\"[^}]*"
                + "reason=\"forbidden\"[^}]*} [1-9]");
        for (String secret : new String[] {READER_KEY, WRITER_KEY, ADMIN_KEY, "wrong-key-value", SECRET}) {
            assertThat(output.getAll()).as("a credential in the log").doesNotContain(secret);
            assertThat(metrics).doesNotContain(secret);
        }
    }

    @Test
    void theShaOfEachTestKeyIsWhatTheConfigurationHolds() {
        // The constants above are the keys' digests, as an operator would compute them; checked, not assumed.
        assertThat(ApiKeys.sha256(READER_KEY)).isEqualTo(READER_SHA);
        assertThat(ApiKeys.sha256(WRITER_KEY)).isEqualTo(WRITER_SHA);
        assertThat(ApiKeys.sha256(ADMIN_KEY)).isEqualTo(ADMIN_SHA);
    }
}
