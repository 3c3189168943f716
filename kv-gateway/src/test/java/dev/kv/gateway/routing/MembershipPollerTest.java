package dev.kv.gateway.routing;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.common.Slf4jNotifier;
import org.junit.jupiter.api.AfterAll;
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
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The gateway's view merged from two nodes' {@code /internal/v1/cluster} answers, written here exactly as a node
 * writes them: each member is judged by the node that heard from it last (gossip's order), a member's own report wins
 * a tie, and {@code /v1/cluster} shows the liveness as its {@code status} and the announced status as
 * {@code announced}, as it always has.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class MembershipPollerTest {

    private static final WireMockServer N1 = node();
    private static final WireMockServer N2 = node();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    private static WireMockServer node() {
        WireMockServer server = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1")
                .notifier(new Slf4jNotifier(false)));
        server.start();
        return server;
    }

    private static String address(WireMockServer server) {
        return "http://127.0.0.1:" + server.port();
    }

    private static String member(String id, String address, long generation, long version, String status,
                                 String liveness, boolean local) {
        return """
                {"id":"%s","address":"%s","generation":%d,"version":%d,"status":"%s","liveness":"%s","phi":0.5,\
                "local":%s,"state":"normal"}""".formatted(id, address, generation, version, status, liveness, local);
    }

    private static String view(String observer, String streaming, String... members) {
        return """
                {"observer":"%s","members":[%s],"topology":{"version":"1:","members":{"n1":"normal","n2":"normal",\
                "n3":"normal"},"removals":[]},"streaming":%s,"waiting":null}"""
                .formatted(observer, String.join(",", members), streaming);
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        String n1 = address(N1);
        String n2 = address(N2);
        String n3 = "http://127.0.0.1:1";
        N1.stubFor(get(urlPathEqualTo("/internal/v1/cluster")).willReturn(okJson(view("n1",
                "{\"version\":\"1:\",\"phase\":\"idle\",\"rangesDone\":0,\"rangesTotal\":0,\"keys\":0,\"bytes\":0,"
                        + "\"bytesPerSecond\":0.0,\"etaSeconds\":null,\"resumedRanges\":0,\"done\":true}",
                member("n1", n1, 100, 50, "normal", "alive", true),
                member("n2", n2, 200, 7, "normal", "suspect", false),
                member("n3", n3, 300, 9, "normal", "down", false)))));
        N2.stubFor(get(urlPathEqualTo("/internal/v1/cluster")).willReturn(okJson(view("n2",
                "{\"version\":\"1:\",\"phase\":\"streaming\",\"rangesDone\":2,\"rangesTotal\":5,\"keys\":40,"
                        + "\"bytes\":4096,\"bytesPerSecond\":512.5,\"etaSeconds\":6,\"resumedRanges\":1,"
                        + "\"done\":false}",
                member("n1", n1, 100, 49, "normal", "suspect", false),
                member("n2", n2, 200, 7, "normal", "alive", true),
                member("n3", n3, 301, 1, "shutdown", "alive", false)))));
        for (WireMockServer node : new WireMockServer[] {N1, N2}) {
            node.stubFor(get(urlPathEqualTo("/internal/v1/info")).willReturn(okJson("{\"keys\":3}")));
        }
        registry.add("kv.gateway.nodes[0]", () -> "n1=" + n1);
        registry.add("kv.gateway.nodes[1]", () -> "n2=" + n2);
        registry.add("kv.gateway.view-refresh", () -> "100ms");
        registry.add("server.address", () -> "127.0.0.1");
    }

    @AfterAll
    static void stopNodes() {
        N1.stop();
        N2.stop();
    }

    private JsonNode cluster() throws Exception {
        HttpResponse<byte[]> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/v1/cluster")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.statusCode()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private Map<String, JsonNode> members() throws Exception {
        Map<String, JsonNode> byId = new HashMap<>();
        cluster().path("members").forEach(member -> byId.put(member.path("id").asString(), member));
        return byId;
    }

    @Test
    void eachMemberIsJudgedByTheNodeThatHeardFromItLast() throws Exception {
        await().atMost(Duration.ofSeconds(10)).until(() -> members().size() == 3);
        Map<String, JsonNode> members = members();

        // n1's own report (version 50) is newer than n2's (49); n2's own ties n1's report of it and wins the tie.
        assertThat(members.get("n1").path("status").asString()).isEqualTo("alive");
        assertThat(members.get("n2").path("status").asString()).isEqualTo("alive");
        // n2 has heard n3's new process (generation 301): alive, announcing its shutdown.
        assertThat(members.get("n3").path("status").asString()).isEqualTo("alive");
        assertThat(members.get("n3").path("announced").asString()).isEqualTo("shutdown");
        assertThat(members.get("n3").path("generation").asLong()).isEqualTo(301);
        assertThat(members.get("n1").path("announced").asString()).isEqualTo("normal");
    }

    @Test
    void aNodesStreamingProgressIsShownAsTheNodeReportedIt() throws Exception {
        await().atMost(Duration.ofSeconds(10)).until(() -> members().get("n2") != null
                && !members().get("n2").path("streaming").isNull());
        Map<String, JsonNode> members = members();

        assertThat(members.get("n2").path("streaming").propertyNames()).containsExactly("version", "phase",
                "rangesDone", "rangesTotal", "keys", "bytes", "bytesPerSecond", "etaSeconds", "resumedRanges", "done");
        assertThat(members.get("n2").path("streaming").path("bytesPerSecond").asDouble()).isEqualTo(512.5);
        assertThat(members.get("n1").path("streaming").isNull()).as("idle: nothing to show").isTrue();
        assertThat(cluster().path("topologyVersion").asString()).isEqualTo("1:");
    }
}
