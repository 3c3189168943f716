package dev.kv.gateway.replica;

import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.core5.http.NoHttpResponseException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The gateway's kept connections to a node's batch endpoint, against a scripted HTTP/1.1 peer on loopback: what it
 * sends, how it reads every framing of an answer, when it keeps or drops a connection, and how it fails (each failure
 * as the batcher and the replica client need to classify it).
 */
class NodeLinkTest {

    /** What the fake node does with one request on a connection: answers it, or not. */
    private interface Script {
        /** @return whether to go on serving the connection */
        boolean answer(Request request, OutputStream out) throws IOException;
    }

    private record Request(String head, byte[] body) {
        String header(String name) {
            for (String line : head.split("\r\n")) {
                if (line.toLowerCase(Locale.ROOT).startsWith(name.toLowerCase(Locale.ROOT) + ":")) {
                    return line.substring(name.length() + 1).trim();
                }
            }
            return null;
        }
    }

    private ServerSocket server;
    private volatile Script script = NodeLinkTest::echo;
    private final AtomicInteger connections = new AtomicInteger();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final ScheduledThreadPoolExecutor watchdog = new ScheduledThreadPoolExecutor(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private volatile boolean stalled;
    private NodeLink link;
    private final AtomicReference<String> secret = new AtomicReference<>("s3cret");

    @BeforeEach
    void start() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(this::accept);
        link = new NodeLink(URI.create("http://127.0.0.1:" + server.getLocalPort() + "/internal/v1/batch"), null,
                secret::get, watchdog);
    }

    @AfterEach
    void stop() throws IOException {
        release.countDown();
        link.close();
        server.close();
        watchdog.shutdownNow();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                connections.incrementAndGet();
                Thread.ofVirtual().start(() -> serve(socket));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket socket) {
        try (socket; InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream()) {
            if (stalled) {
                awaitRelease();
                return;
            }
            while (true) {
                Request request = read(in);
                if (request == null) {
                    return;
                }
                requests.add(request);
                if (!script.answer(request, out)) {
                    return;
                }
                out.flush();
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    private static Request read(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            head.write(b);
            matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        Request request = new Request(head.toString(StandardCharsets.ISO_8859_1), null);
        int length = Integer.parseInt(request.header("Content-Length"));
        return new Request(request.head(), in.readNBytes(length));
    }

    /** Answers with the request's own body. */
    private static boolean echo(Request request, OutputStream out) throws IOException {
        out.write(("HTTP/1.1 200 \r\nContent-Type: application/octet-stream\r\nContent-Length: "
                + request.body().length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(request.body());
        return true;
    }

    private NodeLink.Answer post(String body) throws IOException {
        return post(body.getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(2));
    }

    private NodeLink.Answer post(byte[] body, Duration timeout) throws IOException {
        return link.post(body, System.nanoTime() + timeout.toNanos());
    }

    private static String text(NodeLink.Answer answer) {
        return new String(answer.body(), StandardCharsets.UTF_8);
    }

    /** With the node answering normally again: the exchange works, over a connection opened anew. */
    private void theNextExchangeGoesOverASecondConnection() throws IOException {
        script = NodeLinkTest::echo;
        assertThat(text(post("next"))).isEqualTo("next");
        assertThat(connections).hasValue(2);
    }

    @Test
    void exchangesGoOverOneKeptConnectionWithTheSecretAndTheExactBody() throws IOException {
        for (int i = 0; i < 5; i++) {
            NodeLink.Answer answer = post("batch-" + i);
            assertThat(answer.status()).isEqualTo(200);
            assertThat(text(answer)).isEqualTo("batch-" + i);
        }

        assertThat(connections).hasValue(1);
        Request first = requests.getFirst();
        assertThat(first.head()).startsWith("POST /internal/v1/batch HTTP/1.1\r\n");
        assertThat(first.header("X-KV-Cluster-Secret")).isEqualTo("s3cret");
        assertThat(first.header("Content-Type")).isEqualTo("application/octet-stream");
        assertThat(first.header("Host")).isEqualTo("127.0.0.1:" + server.getLocalPort());
    }

    @Test
    void aRotatedSecretGoesOutFromTheNextExchangeOnTheSameConnection() throws IOException {
        post("before");
        secret.set("n3w-s3cret");
        post("after");
        secret.set("");
        post("without");

        assertThat(connections).hasValue(1);
        assertThat(requests.get(0).header("X-KV-Cluster-Secret")).isEqualTo("s3cret");
        assertThat(requests.get(1).header("X-KV-Cluster-Secret")).isEqualTo("n3w-s3cret");
        assertThat(requests.get(2).header("X-KV-Cluster-Secret")).isNull();
        assertThat(requests.get(2).header("Content-Type")).isEqualTo("application/octet-stream");
    }

    @Test
    void aLargeBodyArrivesWhole() throws IOException {
        byte[] body = new byte[3 * 1024 * 1024];
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) (i * 31);
        }
        assertThat(post(body, Duration.ofSeconds(5)).body()).isEqualTo(body);
    }

    @Test
    void aChunkedAnswerWithTrailersIsReadWholeAndTheConnectionKept() throws IOException {
        script = (request, out) -> {
            out.write(("HTTP/1.1 409 Conflict\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5;ext=1\r\nstale\r\n1\r\n-\r\nb\r\ntopology-42\r\n0\r\nX-Trailer: t\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            return true;
        };
        NodeLink.Answer answer = post("x");
        assertThat(answer.status()).isEqualTo(409);
        assertThat(text(answer)).isEqualTo("stale-topology-42");

        script = NodeLinkTest::echo;
        assertThat(text(post("next"))).isEqualTo("next");
        assertThat(connections).hasValue(1);
    }

    @Test
    void anInformationalAnswerIsSkippedAndAnAnswerThatClosesTheConnectionIsNotReused() throws IOException {
        script = (request, out) -> {
            out.write(("HTTP/1.1 100 Continue\r\n\r\n"
                    + "HTTP/1.1 401 \r\nConnection: close\r\nContent-Length: 6\r\n\r\ndenied")
                    .getBytes(StandardCharsets.US_ASCII));
            return false;
        };
        NodeLink.Answer answer = post("x");
        assertThat(answer.status()).isEqualTo(401);
        assertThat(text(answer)).isEqualTo("denied");

        theNextExchangeGoesOverASecondConnection();
    }

    @Test
    void anHttp10AnswerIsReadByItsLengthAndItsConnectionNotReused() throws IOException {
        script = (request, out) -> {
            out.write("HTTP/1.0 200 OK\r\nContent-Length: 4\r\n\r\nhttp".getBytes(StandardCharsets.US_ASCII));
            return true; // an HTTP/1.0 server would close now; this one does not, and must not be asked again
        };
        assertThat(text(post("x"))).isEqualTo("http");
        theNextExchangeGoesOverASecondConnection();
    }

    @Test
    void anAnswerDelimitedByTheEndOfTheConnectionIsReadToItsEnd() throws IOException {
        script = (request, out) -> {
            out.write("HTTP/1.1 200 OK\r\n\r\nuntil the end".getBytes(StandardCharsets.US_ASCII));
            return false;
        };
        assertThat(text(post("x"))).isEqualTo("until the end");
        theNextExchangeGoesOverASecondConnection();
    }

    /** The batcher sends a batch again after this failure only when it holds no coordinate attempt. */
    @Test
    void aConnectionTheNodeClosedWithoutAnsweringFailsAsNoResponseAndTheNextExchangeOpensAnother() throws IOException {
        assertThat(text(post("first"))).isEqualTo("first");
        script = (request, out) -> false; // a restart: the node drops the connection with the request unanswered

        assertThatThrownBy(() -> post("lost")).isInstanceOf(NoHttpResponseException.class);

        theNextExchangeGoesOverASecondConnection();
    }

    @Test
    void aNodeThatNeverAnswersFailsTheExchangeAtItsDeadline() {
        script = (request, out) -> {
            awaitRelease();
            return false;
        };
        long start = System.nanoTime();
        assertThatThrownBy(() -> post("x".getBytes(StandardCharsets.UTF_8), Duration.ofMillis(300)))
                .isInstanceOf(SocketTimeoutException.class);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isBetween(250L, 1_500L);
    }

    /** A socket write has no timeout; the watchdog keeps a large request to a stuck node within the deadline. */
    @Test
    void aLargeRequestToANodeThatStoppedReadingFailsAtItsDeadline() {
        stalled = true; // the node reads nothing: a body far larger than loopback's socket buffers cannot be written
        byte[] huge = new byte[64 * 1024 * 1024];
        long start = System.nanoTime();
        assertThatThrownBy(() -> post(huge, Duration.ofMillis(400))).isInstanceOf(SocketTimeoutException.class)
                .hasMessageContaining("not written");
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isBetween(350L, 3_000L);
    }

    @Test
    void anAnswerThatIsNotHttpFailsAndIsNotMistakenForAClosedConnection() {
        script = (request, out) -> {
            out.write("SSH-2.0-OpenSSH\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            return true;
        };
        assertThatThrownBy(() -> post("x")).isInstanceOf(IOException.class)
                .isNotInstanceOf(NoHttpResponseException.class).hasMessageContaining("status line");
    }

    @Test
    void anAnswerLongerThanItsDeclaredLengthEndsTheConnection() throws IOException {
        script = (request, out) -> {
            out.write("HTTP/1.1 200 \r\nContent-Length: 2\r\n\r\nokEXTRA".getBytes(StandardCharsets.US_ASCII));
            return true;
        };
        assertThat(text(post("x"))).isEqualTo("ok");
        theNextExchangeGoesOverASecondConnection();
    }

    @Test
    void aNodeThatIsNotListeningRefusesTheConnection() throws IOException {
        int port;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = closed.getLocalPort();
        }
        try (NodeLink nowhere = new NodeLink(URI.create("http://127.0.0.1:" + port + "/internal/v1/batch"), null,
                () -> "", watchdog)) {
            assertThatThrownBy(() -> nowhere.post(new byte[1], System.nanoTime() + 1_000_000_000L))
                    .isInstanceOf(ConnectException.class).isNotInstanceOf(ConnectTimeoutException.class);
        }
    }

    @Test
    void aSecretThatWouldBreakTheRequestHeadIsRefused() {
        secret.set("a\r\nX-Evil: 1");
        assertThatThrownBy(() -> post("x")).isInstanceOf(IllegalArgumentException.class);
        assertThat(requests).isEmpty();
    }

    /** Holds a fake node's thread until the test ends: a node that stopped (SIGSTOP). */
    private void awaitRelease() {
        try {
            release.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
