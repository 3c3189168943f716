package dev.kv.node.security;

import dev.kv.web.testsupport.RawHttp;
import dev.kv.web.testsupport.Spellings;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Without a cluster secret (loopback development) the internal API is open as before, but the firewall still refuses
 * every path that has more than one spelling.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class OpenNodeFirewallTest {

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws IOException {
        String data = Files.createTempDirectory("kv-node-open").resolve("data").toString();
        registry.add("kv.node.data-dir", () -> data);
        registry.add("kv.cluster.secret", () -> "");
        registry.add("server.address", () -> "127.0.0.1");
    }

    @Test
    void thePlainPathIsOpenAndEveryOtherSpellingIsRefused() {
        assertThat(RawHttp.send(port, "GET", "/internal/v1/info", new byte[0]).status()).isEqualTo(200);
        for (Map.Entry<String, String> spelling : Spellings.odd("/internal/v1/info").entrySet()) {
            RawHttp.Response response = RawHttp.send(port, "GET", spelling.getValue(), new byte[0]);
            if (spelling.getKey().startsWith("%69") || spelling.getKey().startsWith("full")) {
                // Decoded, these are the plain path itself: the router and the rules see the same path.
                assertThat(response.status()).as(spelling.getKey()).isEqualTo(200);
            } else {
                assertThat(response.status()).as(spelling.getKey() + " " + spelling.getValue()).isEqualTo(400);
                assertThat(response.isProblem()).as(spelling.getKey()).isTrue();
            }
        }
    }
}
