package dev.kv.gateway.limits;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The gateway's limits ahead of its data path, on raw sockets from distinct loopback source addresses (each one a
 * client): the per-client rate limit (429 with Retry-After, other clients unaffected) and the budget of large bodies
 * in flight (a 503 with Retry-After before the body is read, room again once the holder is answered).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestPropertySource(properties = {"server.address=127.0.0.1", "kv.gateway.seeds=127.0.0.1:1",
        "kv.gateway.rate-limit.per-client=20", "kv.limits.body-budget=1MB", "kv.limits.body-wait=0ms"})
class LimitsTest {

    private static final int LARGE = 600 * 1024;
    private static final Pattern CONTENT_LENGTH = Pattern.compile("(?i)content-length: *(\\d+)");

    @LocalServerPort
    int port;

    @Test
    void aClientOverItsRateGets429WithRetryAfterAndOtherClientsAreServed() {
        List<String> statuses = new ArrayList<>();
        String refused = null;
        for (int i = 0; i < 60; i++) {
            String answer = exchange("127.0.0.2", get("/v1/cluster"));
            statuses.add(statusOf(answer));
            if (statusOf(answer).equals("429") && refused == null) {
                refused = answer;
            }
        }

        assertThat(statuses).contains("429").contains("200");
        assertThat(refused).containsIgnoringCase("Retry-After: 1").contains("application/problem+json")
                .contains("urn:kv:problem:rate-limited").contains("kv.gateway.rate-limit.per-client");
        assertThat(statusOf(exchange("127.0.0.4", get("/v1/cluster")))).as("another client").isEqualTo("200");
        assertThat(statusOf(exchange("127.0.0.2", get("/admin/v1/metrics"))))
                .as("operator paths are not limited").isEqualTo("200");
        assertThat(exchange("127.0.0.5", get("/admin/v1/metrics")))
                .containsPattern("kv_limits_refusals_total\\{[^}]*limit=\"rate\"[^}]*} [1-9]");
    }

    @Test
    void aLargeBodyBeyondTheBudgetIsRefusedBeforeItIsReadAndTheBudgetComesBack() throws IOException {
        try (Socket holder = connect("127.0.0.3")) {
            OutputStream out = holder.getOutputStream();
            // Headers and a first part of the body: the request holds 600 KiB of the 1 MiB budget while it waits.
            out.write(("PUT /v1/kv/held HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\n"
                    + "Content-Length: " + LARGE + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[1024]);
            out.flush();

            String second = awaitRefusal();
            assertThat(second).startsWith("HTTP/1.1 503").containsIgnoringCase("Retry-After: 1")
                    .contains("urn:kv:problem:overloaded");

            out.write(new byte[LARGE - 1024]);
            out.flush();
            assertThat(read(holder.getInputStream())).as("the holder is answered, not refused")
                    .startsWith("HTTP/1.1").doesNotContain("urn:kv:problem:overloaded");
        }
        // The holder's reservation ends once its answer is written, a moment after the client has read it.
        await().atMost(Duration.ofSeconds(5)).until(() -> exchange("127.0.0.5", get("/admin/v1/metrics"))
                .matches("(?s).*kv_limits_body_in_flight_bytes\\{[^}]*} 0\\.0.*"));
        assertThat(exchange("127.0.0.6", largePut("after"))).startsWith("HTTP/1.1")
                .doesNotContain("urn:kv:problem:overloaded");
    }

    /**
     * A second large PUT while the first holds the budget; asked again until the holder's reservation is in place
     * (bounded in time, not in attempts: on a fast path fifty attempts can all come before it), each time from
     * another client, so that the rate limit (20 per second per client) never answers first on a slow machine.
     */
    private String awaitRefusal() {
        AtomicInteger attempts = new AtomicInteger();
        String[] answer = {""};
        await("a second large PUT refused for the body budget").atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(20)).until(() -> {
                    int attempt = attempts.getAndIncrement();
                    answer[0] = exchange("127.0." + (1 + attempt / 250) + "." + (1 + attempt % 250),
                            largePut("second-" + attempt));
                    return answer[0].contains("overloaded");
                });
        return answer[0];
    }

    private static String get(String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    }

    private static String largePut(String key) {
        return "PUT /v1/kv/" + key + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                + "Content-Type: application/octet-stream\r\nContent-Length: " + LARGE + "\r\n\r\n" + "v".repeat(LARGE);
    }

    private Socket connect(String source) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
        socket.setSoTimeout(20_000);
        return socket;
    }

    private String exchange(String source, String request) {
        try (Socket socket = connect(source)) {
            try {
                socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
                socket.getOutputStream().flush();
            } catch (IOException e) {
                // Answered and closed before taking the whole body: the answer is still to be read.
            }
            return read(socket.getInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The answer's head and body (by its Content-Length, else until the connection closes), at most 256 KiB. */
    private static String read(InputStream in) throws IOException {
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        int n;
        while (answer.size() < 262_144 && (n = in.read(buffer)) > 0) {
            answer.write(buffer, 0, n);
            String text = answer.toString(StandardCharsets.ISO_8859_1);
            int headEnd = text.indexOf("\r\n\r\n");
            if (headEnd > 0) {
                Matcher length = CONTENT_LENGTH.matcher(text.substring(0, headEnd));
                if (length.find() && text.length() - headEnd - 4 >= Integer.parseInt(length.group(1))) {
                    break;
                }
            }
        }
        return answer.toString(StandardCharsets.ISO_8859_1);
    }

    private static String statusOf(String answer) {
        return answer.length() >= 12 ? answer.substring(9, 12) : answer;
    }
}
