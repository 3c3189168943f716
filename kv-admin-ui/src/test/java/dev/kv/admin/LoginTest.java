package dev.kv.admin;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

/** With credentials configured the dashboard needs a login, and changes need the CSRF token too. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestPropertySource(properties = {"kv.admin.username=ops", "kv.admin.password=correct horse",
        "kv.admin.gateway-url=http://127.0.0.1:1", "server.address=127.0.0.1"})
class LoginTest {

    private static final String BASIC = "Basic " + Base64.getEncoder()
            .encodeToString("ops:correct horse".getBytes(StandardCharsets.UTF_8));

    private final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @LocalManagementPort
    int managementPort;

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
    }

    @Test
    void thePageAndItsApiNeedTheLoginButTheHealthProbesDoNot() throws Exception {
        assertThat(send(request("/api/links")).statusCode()).isEqualTo(401);
        assertThat(send(request("/index.html")).statusCode()).isEqualTo(401);
        assertThat(send(request("/api/links").header("Authorization", "Basic " + Base64.getEncoder()
                .encodeToString("ops:wrong".getBytes(StandardCharsets.UTF_8)))).statusCode()).isEqualTo(401);
        assertThat(send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort
                + "/actuator/health/liveness"))).statusCode()).as("on the management port").isEqualTo(200);
        assertThat(send(request("/actuator/health/liveness").header("Authorization", BASIC)).statusCode())
                .as("Actuator is not on the data port").isEqualTo(404);
        assertThat(send(request("/api/links").header("Authorization", BASIC)).statusCode()).isEqualTo(200);
    }

    @Test
    void aChangeWithTheLoginButWithoutTheCsrfTokenIsRefused() throws Exception {
        HttpResponse<String> page = send(request("/api/links").header("Authorization", BASIC));
        String token = page.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("XSRF-TOKEN="))
                .map(c -> c.substring("XSRF-TOKEN=".length(), c.indexOf(';'))).findFirst().orElseThrow();

        assertThat(send(request("/api/repair").header("Authorization", BASIC)
                .POST(HttpRequest.BodyPublishers.noBody())).statusCode())
                .as("refused: the CSRF check runs before the login is read").isIn(401, 403);
        HttpResponse<String> withToken = send(request("/api/repair").header("Authorization", BASIC)
                .header("Cookie", "XSRF-TOKEN=" + token).header("X-XSRF-TOKEN", token)
                .POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(withToken.statusCode()).as("past the checks; the gateway here is unreachable").isEqualTo(502);
    }
}
