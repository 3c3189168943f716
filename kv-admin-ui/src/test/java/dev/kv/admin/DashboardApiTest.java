package dev.kv.admin;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.kv.core.codec.RecordCodec;
import dev.kv.core.record.ConflictMode;
import dev.kv.core.record.Mutation;
import dev.kv.core.record.Record;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/** The dashboard's backend against a stand-in gateway and nodes (WireMock). */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class DashboardApiTest {

    private static final String SECRET = "admin-test-secret";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final WireMockServer GATEWAY = started();
    private static final WireMockServer N1 = started();
    private static final WireMockServer N2 = started();

    private final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    private static WireMockServer started() {
        WireMockServer server = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1")
                .dynamicPort());
        server.start();
        return server;
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("kv.admin.gateway-url", () -> "http://127.0.0.1:" + GATEWAY.port());
        registry.add("kv.cluster.secret", () -> SECRET);
        registry.add("server.address", () -> "127.0.0.1");
    }

    @AfterAll
    static void stop() {
        GATEWAY.stop();
        N1.stop();
        N2.stop();
    }

    @BeforeEach
    void reset() {
        GATEWAY.resetAll();
        N1.resetAll();
        N2.resetAll();
        GATEWAY.stubFor(get(urlPathEqualTo("/v1/cluster")).willReturn(okJson("""
                {"replicationFactor":3,"members":[
                 {"id":"n1","url":"http://127.0.0.1:%d/","status":"alive","phi":0.2},
                 {"id":"n2","url":"http://127.0.0.1:%d/","status":"alive","phi":0.4},
                 {"id":"n3","url":"http://127.0.0.1:1/","status":"down","phi":12.0}]}
                """.formatted(N1.port(), N2.port()))));
    }

    private JsonNode call(String method, String path, String body) throws Exception {
        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
        JsonNode json = JSON.readTree(response.body());
        ((tools.jackson.databind.node.ObjectNode) json).put("httpStatus", response.statusCode());
        return json;
    }

    @Test
    void theOverviewAddsEachLiveNodesPendingHintsAskedWithTheSecretAndSaysWhichNodeIsDown() throws Exception {
        N1.stubFor(get(urlPathEqualTo("/internal/v1/hints")).withHeader("X-KV-Cluster-Secret", equalTo(SECRET))
                .willReturn(okJson("{\"pendingByTarget\":{\"n3\":7},\"bytes\":2048}")));
        N2.stubFor(get(urlPathEqualTo("/internal/v1/hints")).withHeader("X-KV-Cluster-Secret", equalTo(SECRET))
                .willReturn(okJson("{\"pendingByTarget\":{\"n3\":5},\"bytes\":1024}")));

        JsonNode cluster = call("GET", "/api/cluster", null);

        assertThat(cluster.get("httpStatus").asInt()).isEqualTo(200);
        assertThat(cluster.at("/members/0/hints/pending").asLong()).isEqualTo(7);
        assertThat(cluster.at("/members/1/hints/bytes").asLong()).isEqualTo(1024);
        assertThat(cluster.at("/members/2/hints/error").asString()).isEqualTo("node is down");
    }

    @Test
    void memberStatesTheEpochAndTheMembershipChangePassThroughAndFormerMembersAreNotAskedForHints()
            throws Exception {
        GATEWAY.stubFor(get(urlPathEqualTo("/v1/cluster")).willReturn(okJson("""
                {"replicationFactor":3,"epoch":7,"topologyVersion":"7:n4",
                 "transition":{"kind":"join","member":"n4","rangesDone":3,"rangesTotal":12,"keys":1500,
                               "bytes":4000000,"bytesPerSecond":2000000.0,"etaSeconds":18},
                 "members":[
                 {"id":"n1","url":"http://127.0.0.1:%d/","status":"alive","state":"leaving"},
                 {"id":"n2","url":"http://127.0.0.1:%d/","status":"alive","state":"left"},
                 {"id":"n4","url":"http://127.0.0.1:%d/","status":"alive","state":"joining",
                  "streaming":{"rangesDone":3,"rangesTotal":12,"phase":"streaming"}}]}
                """.formatted(N1.port(), N2.port(), N2.port()))));
        String noHints = "{\"pendingByTarget\":{},\"bytes\":0}";
        N1.stubFor(get(urlPathEqualTo("/internal/v1/hints")).willReturn(okJson(noHints)));
        N2.stubFor(get(urlPathEqualTo("/internal/v1/hints")).willReturn(okJson(noHints)));

        JsonNode cluster = call("GET", "/api/cluster", null);

        assertThat(cluster.get("epoch").asLong()).isEqualTo(7);
        assertThat(cluster.get("topologyVersion").asString()).isEqualTo("7:n4");
        assertThat(cluster.at("/transition/rangesTotal").asInt()).isEqualTo(12);
        assertThat(cluster.at("/members/0/state").asString()).isEqualTo("leaving");
        assertThat(cluster.at("/members/0/hints/pending").asLong()).isZero();
        assertThat(cluster.at("/members/1/hints").isMissingNode()).as("a member that left is not asked").isTrue();
        assertThat(cluster.at("/members/2/streaming/rangesDone").asInt()).isEqualTo(3);
        N1.verify(1, getRequestedFor(urlPathEqualTo("/internal/v1/hints")));
        N2.verify(1, getRequestedFor(urlPathEqualTo("/internal/v1/hints"))); // n4's, never n2's
    }

    @Test
    void anUnreachableGatewayIsA502ProblemNamingIt() throws Exception {
        GATEWAY.stubFor(get(urlPathEqualTo("/v1/cluster")).willReturn(aResponse().withFault(
                com.github.tomakehurst.wiremock.http.Fault.CONNECTION_RESET_BY_PEER)));

        JsonNode problem = call("GET", "/api/cluster", null);

        assertThat(problem.get("httpStatus").asInt()).isEqualTo(502);
        assertThat(problem.get("title").asString()).isEqualTo("Service unreachable");
        assertThat(problem.get("service").asString()).contains(Integer.toString(GATEWAY.port()));
    }

    @Test
    void theKeyExplorerShowsTheAnswerAndEachReplicasOwnVersionAndFlagsADivergentReplica() throws Exception {
        var versioning = ConflictMode.VECTOR_CLOCK.versioning();
        Record v1 = versioning.write(Record.EMPTY, Mutation.put("one".getBytes(StandardCharsets.UTF_8),
                "text/plain", 0, null), "n1:a", 1L << 16, 1);
        Record v2 = versioning.write(v1, Mutation.put("two".getBytes(StandardCharsets.UTF_8), "text/plain", 0,
                v1.clock()), "n2:b", 2L << 16, 2);
        String internalKey = Base64.getUrlEncoder().withoutPadding().encodeToString("users/7".getBytes());
        GATEWAY.stubFor(get(urlPathEqualTo("/v1/kv/users/7")).withHeader("Accept", equalTo("application/json"))
                .willReturn(okJson("{\"key\":\"users/7\",\"value\":\"dHdv\"}").withHeader("X-KV-Context", "ctx")));
        GATEWAY.stubFor(get(urlPathEqualTo("/v1/cluster/preference-list")).withQueryParam("key", equalTo("users/7"))
                .willReturn(okJson("[\"n1\",\"n2\",\"n3\"]")));
        N1.stubFor(get(urlPathEqualTo("/internal/v1/replica")).withQueryParam("key", equalTo(internalKey))
                .willReturn(aResponse().withStatus(200).withBody(RecordCodec.encode(v1))));
        N2.stubFor(get(urlPathEqualTo("/internal/v1/replica")).withQueryParam("key", equalTo(internalKey))
                .willReturn(aResponse().withStatus(200).withBody(RecordCodec.encode(v2))));

        JsonNode view = call("GET", "/api/keys?key=users/7", null);

        assertThat(view.get("status").asInt()).isEqualTo(200);
        assertThat(view.get("context").asString()).isEqualTo("ctx");
        assertThat(view.at("/answer/value").asString()).isEqualTo("dHdv");
        assertThat(view.at("/replicas/0/siblings/0/text").asString()).isEqualTo("one");
        assertThat(view.at("/replicas/1/siblings/0/text").asString()).isEqualTo("two");
        assertThat(view.at("/replicas/1/clock").size()).isEqualTo(2);
        assertThat(view.at("/replicas/2/state").asString()).isEqualTo("unreachable");
        assertThat(view.get("divergent").asBoolean()).isTrue();
    }

    @Test
    void startingARepairGoesToTheGatewaysAdminApiWithTheSecret() throws Exception {
        GATEWAY.stubFor(post(urlPathEqualTo("/admin/v1/repair")).withHeader("X-KV-Cluster-Secret", equalTo(SECRET))
                .willReturn(aResponse().withStatus(202).withHeader("Content-Type", "application/json")
                        .withBody("{\"nodes\":{\"n1\":{\"id\":1}}}")));

        JsonNode started = call("POST", "/api/repair", null);

        assertThat(started.get("httpStatus").asInt()).isEqualTo(202);
        assertThat(started.at("/nodes/n1/id").asInt()).isEqualTo(1);
        GATEWAY.verify(1, postRequestedFor(urlPathEqualTo("/admin/v1/repair")));
    }

    private static String scrape(int fast, int slow, int unavailable, int repairs) {
        return """
                # HELP kv_requests_seconds client requests on keys
                # TYPE kv_requests_seconds histogram
                kv_requests_seconds_bucket{consistency="strong",op="get",outcome="ok",le="0.001"} %d.0
                kv_requests_seconds_bucket{consistency="strong",op="get",outcome="ok",le="0.005"} %d.0
                kv_requests_seconds_bucket{consistency="strong",op="get",outcome="ok",le="+Inf"} %d.0
                kv_requests_seconds_count{consistency="strong",op="get",outcome="ok"} %d.0
                kv_requests_seconds_count{consistency="strong",op="put",outcome="unavailable"} %d.0
                kv_read_repairs_total{reason="stale"} %d.0
                """.formatted(fast, fast + slow, fast + slow, fast + slow, unavailable, repairs);
    }

    @Test
    void trafficIsTheRatesAndLatencyPercentilesSinceThePreviousScrape() throws Exception {
        GATEWAY.stubFor(get(urlPathEqualTo("/admin/v1/metrics")).inScenario("scrapes")
                .whenScenarioStateIs(com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED)
                .willSetStateTo("second").willReturn(aResponse().withBody(scrape(10, 0, 1, 0))));
        GATEWAY.stubFor(get(urlPathEqualTo("/admin/v1/metrics")).inScenario("scrapes")
                .whenScenarioStateIs("second")
                .willReturn(aResponse().withBody(scrape(10 + 98, 2, 1 + 4, 3))));

        call("GET", "/api/traffic", null);
        JsonNode traffic = call("GET", "/api/traffic", null);

        double seconds = traffic.get("intervalSeconds").asDouble();
        assertThat(seconds).isPositive();
        JsonNode get = traffic.at("/operations/0");
        assertThat(get.get("op").asString()).isEqualTo("get");
        assertThat(get.get("rate").asDouble() * seconds).isCloseTo(100.0, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(get.get("p50Ms").asDouble()).isEqualTo(1.0);
        assertThat(get.get("p99Ms").asDouble()).isEqualTo(5.0);
        assertThat(traffic.at("/operations/2/p50Ms").isNull()).as("no deletes, no latency").isTrue();
        assertThat(traffic.at("/errors/0/kind").asString()).isEqualTo("unavailable");
        assertThat(traffic.at("/errors/0/rate").asDouble() * seconds).isCloseTo(4.0,
                org.assertj.core.data.Offset.offset(1e-6));
        assertThat(traffic.get("readRepairs").asDouble() * seconds).isCloseTo(3.0,
                org.assertj.core.data.Offset.offset(1e-6));
    }

    @Test
    void aLookupGivesTheKeysTokenAndReplicas() throws Exception {
        GATEWAY.stubFor(get(urlPathEqualTo("/v1/cluster/preference-list")).withQueryParam("key", equalTo("a b"))
                .willReturn(okJson("[\"n2\",\"n3\",\"n1\"]")));

        JsonNode lookup = call("GET", "/api/lookup?key=a%20b", null);

        assertThat(lookup.get("preferenceList").toString()).isEqualTo("[\"n2\",\"n3\",\"n1\"]");
        long token = dev.kv.core.ring.TokenRing.tokenOf("a b".getBytes(StandardCharsets.UTF_8));
        assertThat(lookup.get("token").asString()).isEqualTo(Long.toUnsignedString(token ^ Long.MIN_VALUE));
    }
}
