package dev.kv.admin.security;

import dev.kv.web.testsupport.RawHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard on loopback without a login answers only requests whose Host names it (DNS rebinding): loopback names
 * and addresses, and kv.admin.allowed-hosts.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestPropertySource(properties = {"kv.admin.gateway-url=http://127.0.0.1:1", "server.address=127.0.0.1",
        "kv.admin.allowed-hosts=kv-admin.example.org, dashboard.internal"})
class AllowedHostsTest {

    @LocalServerPort
    int port;

    @LocalManagementPort
    int managementPort;

    private RawHttp.Response get(String path, String host) {
        return RawHttp.send(port, "GET", path, new byte[0], "Host", host);
    }

    @ParameterizedTest(name = "Host: {0}")
    @ValueSource(strings = {"127.0.0.1", "127.0.0.1:8090", "localhost:8090", "LOCALHOST", "[::1]:8090",
            "127.0.0.2", "kv-admin.example.org", "Dashboard.Internal:443"})
    void aLoopbackOrAllowedHostIsServed(String host) {
        RawHttp.Response page = get("/", host);

        assertThat(page.status()).isEqualTo(200);
    }

    @ParameterizedTest(name = "Host: {0}")
    @ValueSource(strings = {"evil.example", "evil.example:8090", "127.0.0.1.evil.example", "localhost.evil.example",
            "kv-admin.example.org.evil.example", "[::2]", "10.0.0.1"})
    void anyOtherHostIsRefusedWithAProblem(String host) {
        RawHttp.Response page = get("/", host);
        RawHttp.Response api = get("/api/links", host);

        assertThat(page.status()).isEqualTo(403);
        assertThat(page.isProblem()).isTrue();
        assertThat(page.text()).contains("kv.admin.allowed-hosts").doesNotContain(host);
        assertThat(api.status()).isEqualTo(403);
    }

    @Test
    void healthProbesOnTheManagementPortAnswerWhateverTheHost() {
        assertThat(RawHttp.send(managementPort, "GET", "/actuator/health/liveness", new byte[0], "Host",
                "10.1.2.3:8091").status()).isEqualTo(200);
    }
}
