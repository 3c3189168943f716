package dev.kv.gateway.api;

import dev.kv.core.record.Record;
import dev.kv.gateway.support.GatewayTest;
import dev.kv.gateway.support.Versions;
import dev.kv.web.testsupport.RawHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.kv.gateway.support.FakeReplicas.COORDINATE_PATH;
import static dev.kv.gateway.support.FakeReplicas.encodeKey;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad input is refused with a 400 (or 413) problem that says what was wrong, never reaches a replica, and never
 * yields a 500. Each request uses a key of its own, so "nothing stored" means no replica saw a write for it.
 */
class ApiValidationTest extends GatewayTest {

    private static final int MIB = 1024 * 1024;

    /**
     * Raw key paths (after {@code /v1/kv/}, sent byte for byte as written) built around a marker unique to the test.
     * Tomcat itself refuses an encoded NUL, escapes that are not UTF-8 and malformed escapes, as an invalid request
     * rather than an invalid key; the gateway refuses the rest.
     */
    static Stream<Arguments> badKeys() {
        List<Arguments> cases = new ArrayList<>();
        String[][] keys = {
                {"1025 bytes", null},
                {"empty segment", "%s//b"},
                {"dot-dot segment", "%s/../b"},
                {"dot segment", "%s/./b"},
                {"trailing dot-dot", "%s/.."},
                {"percent-encoded dot-dot", "%s/%%2E%%2E/b"},
                {"encoded slash escaping the route", "..%%2F%s"},
                {"control character", "%s%%01"},
                {"DEL character", "%s%%7F"},
                {"NUL character", "%s%%00"},
                {"invalid percent-escape", "%s%%ZZ"},
                {"incomplete percent-escape", "%s%%4"},
                {"invalid UTF-8", "%s%%C3%%28"},
        };
        for (String method : List.of("PUT", "GET", "DELETE")) {
            for (String[] key : keys) {
                cases.add(Arguments.argumentSet(method + " " + key[0], method, key[1]));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest
    @MethodSource("badKeys")
    void aBadKeyIs400AndNothingIsStored(String method, String template) {
        String marker = uniqueKey("badkey");
        String rawKey = template == null ? marker + "a".repeat(1025 - marker.length()) : template.formatted(marker);

        RawHttp.Response response = RawHttp.send(port, method, "/v1/kv/" + rawKey,
                method.equals("PUT") ? "value".getBytes(StandardCharsets.UTF_8) : new byte[0]);

        assertThat(assertProblem(response, 400).path("type").asString())
                .isIn("urn:kv:problem:invalid-key", "urn:kv:problem:invalid-request");
        assertThat(replicas.callsFor(key -> key.contains(marker))).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"PUT", "GET", "DELETE"})
    void anEmptyKeyIs400AndNothingIsStored(String method) {
        for (String path : List.of("/v1/kv/", "/v1/kv", "/v1/kv/?w=2")) {
            HttpResponse<byte[]> response = send(method, path, body(method, "value"));

            assertThat(assertProblem(response, 400).path("detail").asString()).contains("empty");
        }
        // Data-path calls only: the gateway's cluster-view polls carry no key and may land in between.
        assertThat(replicas.callsFor(String::isEmpty))
                .filteredOn(call -> !call.getUrl().startsWith("/internal/v1/cluster")
                        && !call.getUrl().startsWith("/internal/v1/info"))
                .isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            GET    | r=0                  | r
            GET    | r=4                  | r
            GET    | r=x                  | r
            GET    | r=1&r=2              | r
            GET    | consistency=bogus    | consistency
            GET    | consistancy=strong   | consistancy
            GET    | w=2                  | w
            GET    | ttl=10               | ttl
            PUT    | w=x                  | w
            PUT    | w=0                  | w
            PUT    | w=4                  | w
            PUT    | consistency=bogus    | consistency
            PUT    | ttl=0                | ttl
            PUT    | ttl=-5               | ttl
            PUT    | ttl=abc              | ttl
            PUT    | ttl=315360001        | ttl
            PUT    | unknown=1            | unknown
            PUT    | r=2                  | r
            PUT    | sloppy=maybe         | sloppy
            DELETE | w=x                  | w
            DELETE | ttl=10               | ttl
            DELETE | r=2                  | r
            DELETE | consistency=bogus    | consistency
            """)
    void aBadParameterIs400NamingItAndNothingIsStored(String method, String query, String parameter) {
        String key = uniqueKey("badparam");

        HttpResponse<byte[]> response = send(method, "/v1/kv/" + key + "?" + query, body(method, "value"));

        JsonNode problem = assertProblem(response, 400);
        assertThat(problem.path("type").asString()).isEqualTo("urn:kv:problem:invalid-parameter");
        assertThat(problem.path("parameter").asString()).isEqualTo(parameter);
        assertThat(problem.path("detail").asString()).contains(parameter);
        assertThat(replicas.writesFor(key::equals)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({
            "PUT, not a context!",
            "PUT, AAAA",
            "PUT, AQ",
            "DELETE, ####",
    })
    void aMalformedContextIs400NamingTheHeaderAndNothingIsStored(String method, String context) {
        String key = uniqueKey("badcontext");

        HttpResponse<byte[]> response = send(method, "/v1/kv/" + key, body(method, "value"),
                "X-KV-Context", context);

        JsonNode problem = assertProblem(response, 400);
        assertThat(problem.path("parameter").asString()).isEqualTo("X-KV-Context");
        assertThat(problem.path("detail").asString()).contains("X-KV-Context");
        assertThat(replicas.writesFor(key::equals)).isEmpty();
    }

    @Test
    void aValueOneByteOverTheLimitIs413AndNoReplicaIsCalled() {
        String key = uniqueKey("toolarge");

        HttpResponse<byte[]> response = send("PUT", "/v1/kv/" + key,
                HttpRequest.BodyPublishers.ofByteArray(new byte[MIB + 1]));

        assertThat(assertProblem(response, 413).path("detail").asString()).contains(String.valueOf(MIB));
        assertThat(replicas.callsFor(key::equals)).isEmpty();
    }

    /** Without a Content-Length the limit is enforced while reading the body. */
    @Test
    void aChunkedValueOneByteOverTheLimitIs413AndNoReplicaIsCalled() {
        String key = uniqueKey("toolarge-chunked");

        HttpResponse<byte[]> response = send("PUT", "/v1/kv/" + key,
                HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(new byte[MIB + 1])));

        assertProblem(response, 413);
        assertThat(replicas.callsFor(key::equals)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {";;;", "text/", "application/json, /"})
    void aMalformedAcceptHeaderIs400NamingItNotA500(String accept) {
        String key = uniqueKey("badaccept");
        replicas.stubReadEverywhere(key, Versions.put(Record.EMPTY, "hello", "n1:1"));

        HttpResponse<byte[]> response = get("/v1/kv/" + key, "Accept", accept);

        assertThat(assertProblem(response, 400).path("parameter").asString()).isEqualTo("Accept");
    }

    /** The gateway does not interpret a value's content type; it stores what the client sent, never a 500. */
    @ParameterizedTest
    @ValueSource(strings = {"not a media type", "text/plain; charset"})
    void aMalformedContentTypeIsStoredAsSentNotA500(String contentType) {
        String key = uniqueKey("badcontenttype");
        replicas.stubWritesEverywhere(key, Versions.put(Record.EMPTY, "hello", "n1:1"));

        HttpResponse<byte[]> response = put("/v1/kv/" + key, "hello", "Content-Type", contentType);

        assertThat(response.statusCode()).as(text(response)).isEqualTo(204);
        replicas.server(replicas.preferenceList(key).getFirst()).verify(1,
                postRequestedFor(urlPathEqualTo(COORDINATE_PATH)).withQueryParam("key", equalTo(encodeKey(key)))
                        .withHeader("X-KV-Content-Type", equalTo(contentType)));
    }

    private static HttpRequest.BodyPublisher body(String method, String value) {
        return method.equals("PUT") ? HttpRequest.BodyPublishers.ofString(value)
                : HttpRequest.BodyPublishers.noBody();
    }
}
