package dev.kv.admin.security;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.kv.web.testsupport.RawHttp;
import dev.kv.web.testsupport.Spellings;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * With a login configured, the dashboard's rules are decided on the path Spring MVC routes on, behind the strict
 * firewall: every spelling of a protected path without the login or with a wrong one is refused with a 4xx problem
 * and reaches no upstream; the plain path with the login is served. The key explorer refuses a body larger than a
 * value with 413.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class DashboardPathSpellingTest {

    private static final String BASIC = basic("ops:correct horse");
    private static final WireMockServer GATEWAY = started();

    @LocalServerPort
    int port;

    @LocalManagementPort
    int managementPort;

    private static WireMockServer started() {
        WireMockServer server = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1")
                .dynamicPort());
        server.start();
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(server::stop));
        return server;
    }

    private static String basic(String credentials) {
        return "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("kv.admin.username", () -> "ops");
        registry.add("kv.admin.password", () -> "correct horse");
        registry.add("kv.admin.gateway-url", () -> "http://127.0.0.1:" + GATEWAY.port());
        registry.add("server.address", () -> "127.0.0.1");
    }

    @BeforeEach
    void gatewayAnswersEverything() {
        GATEWAY.resetAll();
        GATEWAY.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(204)));
    }

    static Stream<Arguments> refusals() {
        List<Arguments> cases = new ArrayList<>();
        List<String[]> calls = List.of(new String[] {"GET", "/api/keys", "?key=k"},
                new String[] {"PUT", "/api/keys", "?key=k"}, new String[] {"POST", "/api/repair", ""},
                new String[] {"GET", "/api/cluster", ""}, new String[] {"GET", "/index.html", ""});
        for (String[] call : calls) {
            Map<String, String> spellings = new LinkedHashMap<>();
            spellings.put("plain", call[1]);
            spellings.putAll(Spellings.odd(call[1]));
            spellings.forEach((name, path) -> {
                cases.add(Arguments.of(call[0], name, path + call[2], null));
                cases.add(Arguments.of(call[0], name, path + call[2], basic("ops:wrong")));
            });
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {2} ({1}) with {3}: refused")
    @MethodSource("refusals")
    void everySpellingWithoutTheLoginIsRefusedAndReachesNoUpstream(String method, String spelling, String target,
                                                                   String authorization) {
        String[] headers = authorization == null ? new String[0] : new String[] {"Authorization", authorization};
        RawHttp.Response response = RawHttp.send(port, method, target, "hello".getBytes(StandardCharsets.UTF_8),
                headers);

        assertThat(response.status()).as(response.text()).isIn(400, 401, 403);
        assertThat(response.isProblem()).as(response.header("content-type")).isTrue();
        assertThat(GATEWAY.findAll(anyRequestedFor(anyUrl()))).isEmpty();
    }

    @Test
    void thePlainPathsWithTheLoginAreServed() {
        RawHttp.Response page = RawHttp.send(port, "GET", "/index.html", new byte[0], "Authorization", BASIC);
        assertThat(page.status()).isEqualTo(200);
        String token = csrfToken(page);
        RawHttp.Response written = RawHttp.send(port, "PUT", "/api/keys?key=k",
                "hello".getBytes(StandardCharsets.UTF_8), "Authorization", BASIC,
                "Cookie", "XSRF-TOKEN=" + token, "X-XSRF-TOKEN", token, "Content-Type", "text/plain");
        assertThat(written.status()).as(written.text()).isEqualTo(200);
        assertThat(GATEWAY.findAll(anyRequestedFor(anyUrl()))).isNotEmpty();
    }

    @Test
    void aKeyExplorerBodyLargerThanAValueIs413AndReachesNoUpstream() {
        RawHttp.Response page = RawHttp.send(port, "GET", "/index.html", new byte[0], "Authorization", BASIC);
        String token = csrfToken(page);
        RawHttp.Response refused = RawHttp.send(port, "PUT", "/api/keys?key=k", "Content-Length: " + (1024 * 1024 + 1),
                new byte[4096], "Authorization", BASIC, "Cookie", "XSRF-TOKEN=" + token, "X-XSRF-TOKEN", token);
        assertThat(refused.status()).as(refused.text()).isEqualTo(413);
        assertThat(refused.isProblem()).isTrue();
        assertThat(GATEWAY.findAll(anyRequestedFor(anyUrl()))).isEmpty();
    }

    @Test
    void theHealthProbesStayOpen() {
        assertThat(RawHttp.send(managementPort, "GET", "/actuator/health/liveness", new byte[0]).status())
                .isEqualTo(200);
    }

    private static String csrfToken(RawHttp.Response response) {
        String cookie = response.header("set-cookie");
        assertThat(cookie).as("the XSRF-TOKEN cookie").startsWith("XSRF-TOKEN=");
        return cookie.substring("XSRF-TOKEN=".length(), cookie.indexOf(';'));
    }
}
