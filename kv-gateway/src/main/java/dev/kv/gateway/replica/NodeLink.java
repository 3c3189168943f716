package dev.kv.gateway.replica;

import dev.kv.core.contract.Headers;
import dev.kv.web.runtime.SystemSources;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.core5.http.NoHttpResponseException;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;

/**
 * Kept-alive HTTP/1.1 connections to one node's batch endpoint ({@code POST /internal/v1/batch}), each a plain
 * blocking socket (or one under member TLS) used by one exchange at a time (issue 13).
 *
 * <p>Why not the HTTP client library the other internal requests use: measured on loopback against a real node with
 * one read per batch, a round trip over a socket takes 43-57 µs at the median, Apache HttpClient's classic client
 * 98-142 µs with its pool and 80 µs in its minimal setup (docs/benchmarks.md, "The exchange, measured alone"). The
 * library's request building, pool leases, routing and response parsing cost more than the node's whole work, and the
 * batch exchange is the gateway's only hot request. This class does only what that one exchange needs: one write of
 * a request whose header lines are encoded once, a status line, three headers (length, chunking, close) and the body
 * read into an array of its size.
 *
 * <p>Timeouts: every read waits at most what is left of the exchange's deadline. A request body that fits the
 * socket's send buffer (each exchange starts with the buffer empty: the node read the previous request before it
 * answered it) is written without blocking; a larger one has a watchdog that closes the socket at the deadline, since
 * a socket write has no timeout of its own. Connections idle longer than {@link #IDLE_NANOS_MAX} are not reused (the
 * node closes kept-alive connections after 60 s); one the node closed anyway fails with {@link
 * NoHttpResponseException}, which the batcher answers by sending the batch again if it holds no coordinate attempt.
 */
final class NodeLink implements AutoCloseable {

    /** Bodies up to this size are written without a watchdog (far below any socket send buffer). */
    private static final int UNGUARDED_BODY_BYTES = 64 * 1024;
    private static final long IDLE_NANOS_MAX = TimeUnit.SECONDS.toNanos(20);
    /** The most idle connections kept; one per exchange slot is the usual need. */
    private static final int IDLE_CONNECTIONS_MAX = 8;

    /** What the node answered: status and body. */
    record Answer(int status, byte[] body) {
    }

    private final InetSocketAddress address;
    private final SSLContext tls;
    private final InetSocketAddress source;
    private final String requestLine;
    private final Supplier<String> secret;
    private volatile RequestHead head;
    private final ScheduledExecutorService watchdog;
    private final ConcurrentLinkedDeque<HttpConnection> idle = new ConcurrentLinkedDeque<>();
    private volatile boolean closed;

    /**
     * @param endpoint the batch endpoint ({@code http[s]://host:port/internal/v1/batch})
     * @param tls      for an https endpoint: the member TLS context (the node proves its identity in each handshake)
     * @param secret   the cluster secret's value to send, asked for every request (none when empty), so a rotated
     *                 secret goes out from the next exchange on
     * @param watchdog closes a socket whose large request outlives its deadline
     */
    NodeLink(URI endpoint, SSLContext tls, Supplier<String> secret, ScheduledExecutorService watchdog) {
        this(endpoint, tls, secret, watchdog, null);
    }

    /** @param source where the connections bind before they connect (null: the system's choice) */
    NodeLink(URI endpoint, SSLContext tls, Supplier<String> secret, ScheduledExecutorService watchdog,
             InetSocketAddress source) {
        this.source = source;
        boolean https = "https".equalsIgnoreCase(endpoint.getScheme());
        if (!https && !"http".equalsIgnoreCase(endpoint.getScheme()) || endpoint.getHost() == null) {
            throw new IllegalArgumentException("not an http[s]:// endpoint with a host: " + endpoint);
        }
        if (https && tls == null) {
            throw new IllegalArgumentException("an https endpoint needs member TLS: " + endpoint);
        }
        this.tls = https ? tls : null;
        int port = endpoint.getPort() >= 0 ? endpoint.getPort() : https ? 443 : 80;
        this.address = InetSocketAddress.createUnresolved(endpoint.getHost(), port);
        this.watchdog = watchdog;
        this.requestLine = "POST " + endpoint.getRawPath() + " HTTP/1.1\r\nHost: " + endpoint.getHost() + ':' + port
                + "\r\nContent-Type: application/octet-stream\r\n";
        this.secret = secret;
    }

    /** The request's header lines up to {@code Content-Length: }, encoded again only when the secret has changed. */
    private byte[] requestHead() {
        String current = secret.get();
        RequestHead head = this.head;
        if (head != null && head.secret().equals(current)) {
            return head.bytes();
        }
        StringBuilder text = new StringBuilder(256).append(requestLine);
        if (!current.isEmpty()) {
            if (current.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
                throw new IllegalArgumentException("the cluster secret must be printable ASCII without spaces");
            }
            text.append(Headers.CLUSTER_SECRET).append(": ").append(current).append("\r\n");
        }
        head = new RequestHead(current, text.append("Content-Length: ").toString().getBytes(StandardCharsets.US_ASCII));
        this.head = head;
        return head.bytes();
    }

    /** The encoded head and the secret it carries. */
    private record RequestHead(String secret, byte[] bytes) {
    }

    /**
     * One exchange: the body posted, the answer read whole, by {@code deadlineNanos} ({@link System#nanoTime}).
     *
     * @throws ConnectTimeoutException if no connection could be made in time (nothing reached the node)
     * @throws java.net.ConnectException if the node refused the connection (nothing reached the node)
     * @throws NoHttpResponseException if the connection ended before any answer (on a kept one, most likely closed
     *         by the node before the request reached it)
     * @throws SocketTimeoutException if the answer did not arrive in time
     * @throws IOException if the connection broke or the answer was not HTTP
     */
    Answer post(byte[] body, long deadlineNanos) throws IOException {
        HttpConnection connection = kept();
        if (connection == null) {
            connection = HttpConnection.open(address, source, tls, deadlineNanos);
        }
        ScheduledFuture<?> guard = body.length > UNGUARDED_BODY_BYTES
                ? watchdog.schedule(connection::closeAtDeadline, deadlineNanos - SystemSources.monotonicNanos(),
                        TimeUnit.NANOSECONDS)
                : null;
        try {
            Answer answer = connection.exchange(requestHead(), body, deadlineNanos);
            release(connection);
            return answer;
        } catch (IOException e) {
            connection.close();
            // Not the guard's state: the write can fail while the watchdog is still inside close().
            if (connection.closedAtDeadline()) {
                SocketTimeoutException timeout = new SocketTimeoutException(
                        "the request was not written before the exchange's deadline");
                timeout.initCause(e);
                throw timeout;
            }
            throw e;
        } catch (RuntimeException e) {
            connection.close();
            throw e;
        } finally {
            if (guard != null) {
                guard.cancel(false);
            }
        }
    }

    /** The most recently used idle connection young enough to trust, closing the ones too old. */
    private HttpConnection kept() {
        HttpConnection connection;
        while ((connection = idle.pollFirst()) != null) {
            if (SystemSources.monotonicNanos() - connection.lastUsedNanos() < IDLE_NANOS_MAX) {
                return connection;
            }
            connection.close();
        }
        return null;
    }

    private void release(HttpConnection connection) {
        if (!connection.reusable() || closed || idle.size() >= IDLE_CONNECTIONS_MAX) {
            connection.close();
            return;
        }
        idle.offerFirst(connection);
        if (closed) {
            connection.close(); // closed meanwhile: close() may have drained the deque before this one went in
        }
    }

    @Override
    public void close() {
        closed = true;
        HttpConnection connection;
        while ((connection = idle.pollFirst()) != null) {
            connection.close();
        }
    }
}
