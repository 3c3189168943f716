package dev.kv.gateway.security;

import dev.kv.gateway.support.FakeReplicas;
import dev.kv.gateway.support.GatewayTest;
import dev.kv.web.testsupport.RawHttp;
import dev.kv.web.testsupport.Spellings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.test.context.TestPropertySource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 2 on the public gateway: {@code /admin/**} (a cluster-wide repair) is decided on the path Spring MVC routes
 * on. Every spelling of it without the secret or with a wrong one is refused with a 4xx problem and starts nothing on
 * any node; the plain path with the secret is served. The key route keeps taking any key bytes, and no key path,
 * however spelled, reaches the admin API. Issue 3: value responses are never sniffed or run by a browser.
 */
@TestPropertySource(properties = "kv.cluster.secret=" + GatewaySecurityTest.SECRET)
class GatewaySecurityTest extends GatewayTest {

    static final String SECRET = "gateway-test-cluster-secret";

    static Stream<Arguments> refusals() {
        List<Arguments> cases = new ArrayList<>();
        for (String method : List.of("GET", "POST")) {
            Map<String, String> spellings = new LinkedHashMap<>();
            spellings.put("plain", "/admin/v1/repair");
            spellings.putAll(Spellings.odd("/admin/v1/repair"));
            spellings.forEach((name, path) -> {
                cases.add(Arguments.of(method, name, path, null));
                cases.add(Arguments.of(method, name, path, "wrong-" + SECRET));
            });
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {2} ({1}) with secret {3}: refused")
    @MethodSource("refusals")
    void everySpellingOfTheAdminApiWithoutTheRightSecretIsRefusedAndStartsNothing(String method, String spelling,
                                                                                String path, String secret) {
        String[] headers = secret == null ? new String[0] : new String[] {"X-KV-Cluster-Secret", secret};
        RawHttp.Response response = RawHttp.send(port, method, path, new byte[0], headers);

        assertThat(response.status()).as(response.text()).isIn(400, 401);
        assertProblem(response, response.status());
        assertThat(response.text()).doesNotContain("\"nodes\"");
        assertNoNodeWasAskedToRepair();
    }

    @Test
    void thePlainAdminPathWithTheSecretIsServed() {
        RawHttp.Response started = RawHttp.send(port, "POST", "/admin/v1/repair", new byte[0],
                "X-KV-Cluster-Secret", SECRET);
        assertThat(started.status()).as(started.text()).isEqualTo(202);
        assertThat(started.text()).contains("\"nodes\"");
        for (String id : FakeReplicas.IDS) {
            assertThat(replicas.server(id).findAll(anyRequestedFor(urlPathMatching("/admin/v1/repair"))))
                    .as("repair asked of %s", id).hasSize(1);
        }
    }

    @Test
    void theClusterViewShowsInternalAddressesAndHoldingsOnlyToAHolderOfTheSecret() {
        RawHttp.Response anyone = RawHttp.send(port, "GET", "/v1/cluster", new byte[0]);
        RawHttp.Response operator = RawHttp.send(port, "GET", "/v1/cluster", new byte[0], "X-KV-Cluster-Secret",
                SECRET);

        assertThat(anyone.status()).isEqualTo(200);
        assertThat(anyone.text()).contains("\"members\"").contains("\"id\":\"" + FakeReplicas.IDS.getFirst() + "\"")
                .doesNotContain("http://").doesNotContain("\"url\":\"");
        assertThat(operator.status()).isEqualTo(200);
        assertThat(operator.text()).contains("\"url\":\"http://127.0.0.1:");
        assertThat(RawHttp.send(port, "GET", "/v1/cluster", new byte[0], "X-KV-Cluster-Secret", "wrong").status())
                .isEqualTo(401);
    }

    @Test
    void actuatorIsNotOnTheDataPortAndItsHealthDetailsNeedTheSecret() {
        assertThat(RawHttp.send(port, "GET", "/actuator/prometheus", new byte[0], "X-KV-Cluster-Secret", SECRET)
                .status()).isEqualTo(404);
        RawHttp.Response anyone = RawHttp.send(managementPort, "GET", "/actuator/health/readiness", new byte[0]);
        RawHttp.Response operator = RawHttp.send(managementPort, "GET", "/actuator/health/readiness", new byte[0],
                "X-KV-Cluster-Secret", SECRET);
        assertThat(anyone.status()).isIn(200, 503);
        assertThat(anyone.text()).doesNotContain("clusterView");
        assertThat(operator.text()).contains("clusterView");
        assertThat(RawHttp.send(managementPort, "GET", "/v1/kv/some-key", new byte[0]).status())
                .as("no data on the management port").isEqualTo(404);
        assertThat(RawHttp.send(managementPort, "PUT", "/v1/kv/some-key", "v".getBytes(StandardCharsets.UTF_8))
                .status()).as("no data on the management port").isEqualTo(404);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/v1/kv/../admin/v1/repair", "/v1/kv/%2e%2e/admin/v1/repair",
            "/v1/kv/%2E%2E/admin/v1/repair", "/v1/kv/..;x/admin/v1/repair", "/v1/kv/x/../../admin/v1/repair",
            "/v1/kv/x/..%2F..%2Fadmin/v1/repair", "/v1/kv/.;/../admin/v1/repair", "/v1/kv/%2e%2e;x/admin/v1/repair"})
    void noKeyPathReachesTheAdminApi(String path) {
        for (String method : List.of("GET", "POST")) {
            RawHttp.Response response = RawHttp.send(port, method, path, new byte[0]);
            assertProblem(response, 400);
            assertThat(response.text()).doesNotContain("\"nodes\"");
        }
        assertNoNodeWasAskedToRepair();
    }

    @Test
    void keysKeepTheirOddBytesAndValueResponsesCarryNosniffAndAStrictPolicy() {
        // ';', '%', an encoded '/', an encoded '.', non-ASCII: none is refused by the firewall on the key route.
        RawHttp.Response response = RawHttp.send(port, "GET", "/v1/kv/a;b/%25x/y%2Fz/%2Ex/%C3%A9", new byte[0]);
        assertProblem(response, 404);
        assertThat(response.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(response.header("Content-Security-Policy")).contains("default-src 'none'").contains("sandbox");
    }

    @Test
    void swaggerUiStillLoadsItsOwnScriptsAndStylesUnderThePagePolicy() {
        RawHttp.Response page = RawHttp.send(port, "GET", "/swagger-ui/index.html", new byte[0]);
        assertThat(page.status()).isEqualTo(200);
        String policy = page.header("Content-Security-Policy");
        assertThat(policy).contains("script-src 'self'").contains("style-src 'self'").doesNotContain("'none'; sandbox");
        assertThat(page.header("X-Content-Type-Options")).isEqualTo("nosniff");
        String html = page.text();
        // Every script is a same-origin file (no inline script the policy would block), and each one loads.
        assertThat(html).doesNotContainPattern("<script(?![^>]*\\bsrc=)[^>]*>\\s*\\S");
        List<String> scripts = new ArrayList<>();
        java.util.regex.Matcher matcher = java.util.regex.Pattern
                .compile("<(?:script[^>]*src|link[^>]*href)=\"([^\"]+)\"").matcher(html);
        while (matcher.find()) {
            scripts.add(matcher.group(1));
        }
        assertThat(scripts).isNotEmpty().allSatisfy(src -> assertThat(src).doesNotStartWith("http"));
        for (String src : scripts) {
            String path = src.startsWith("/") ? src : "/swagger-ui/" + src.replaceFirst("^\\./", "");
            RawHttp.Response resource = RawHttp.send(port, "GET", path, new byte[0]);
            assertThat(resource.status()).as(path).isEqualTo(200);
        }
        assertThat(RawHttp.send(port, "GET", "/v3/api-docs", new byte[0]).status()).isEqualTo(200);
    }

    @Test
    void thePublicApiNeedsNoSecretAndSetsNoSession() {
        RawHttp.Response cluster = RawHttp.send(port, "GET", "/v1/cluster", new byte[0]);
        assertThat(cluster.status()).isEqualTo(200);
        assertThat(cluster.header("Set-Cookie")).isNull();
        RawHttp.Response value = RawHttp.send(port, "GET", "/v1/kv/some-key", new byte[0]);
        assertThat(value.header("Set-Cookie")).isNull();
        assertThat(new String(value.body(), StandardCharsets.UTF_8)).contains("\"status\":404");
    }

    private void assertNoNodeWasAskedToRepair() {
        for (String id : FakeReplicas.IDS) {
            assertThat(replicas.server(id).findAll(anyRequestedFor(urlPathMatching("/admin/.*"))))
                    .as("admin calls to %s", id).isEmpty();
        }
    }
}
