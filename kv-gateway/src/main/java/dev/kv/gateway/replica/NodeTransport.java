package dev.kv.gateway.replica;

import dev.kv.web.net.SourceAddress;
import dev.kv.web.runtime.SystemSources;
import dev.kv.web.tls.MemberTls;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.DefaultHttpRequestRetryStrategy;
import org.apache.hc.client5.http.impl.DefaultSchemePortResolver;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.impl.routing.DefaultRoutePlanner;
import org.apache.hc.client5.http.ssl.ClientTlsStrategyBuilder;
import org.apache.hc.core5.http.ConnectionClosedException;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.function.Supplier;

/**
 * HTTP/1.1 to the nodes. Batches of replica calls, the hot path, go over each node's kept connections ({@link
 * NodeLink}); every other request over Apache HttpClient 5 (classic, pooled keep-alive connections), each call a
 * blocking exchange on its own virtual thread, so a fan-out still costs no platform thread per replica (or on the
 * caller's thread, for a caller that only waits for it: {@link #exchangeHere}). It replaced the JDK's asynchronous
 * {@code HttpClient}, whose selector hand-offs and connection-pool bookkeeping were the top of the gateway's CPU
 * profile (docs/benchmarks.md). Idempotent requests (GET, PUT) are retried once at once when a pooled connection turns
 * out to be closed (a node restart); POSTs (coordinate) never are.
 */
final class NodeTransport implements AutoCloseable {

    /** A request to a node, built fluently. */
    static final class Request {

        private final URI uri;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private String method = "GET";
        private byte[] body;
        private Duration timeout;

        Request(URI uri) {
            this.uri = uri;
        }

        Request header(String name, String value) {
            headers.put(name, value);
            return this;
        }

        Request GET() {
            method = "GET";
            return this;
        }

        Request PUT(byte[] content) {
            method = "PUT";
            body = content;
            return this;
        }

        Request POST(byte[] content) {
            method = "POST";
            body = content;
            return this;
        }

        /** Waits this long for the answer instead of the transport's replica timeout (operator requests). */
        Request timeout(Duration limit) {
            timeout = limit;
            return this;
        }

        URI uri() {
            return uri;
        }

        /** The answer timeout of this request, or {@code otherwise} when it has none of its own. */
        Duration timeoutOr(Duration otherwise) {
            return timeout != null ? timeout : otherwise;
        }
    }

    /** What a node answered. */
    record Response(int statusCode, byte[] body) {
    }

    private final CloseableHttpClient client;
    private final MemberTls tls;
    private final SourceAddress source;
    private final ExecutorService calls = Executors.newVirtualThreadPerTaskExecutor();
    private final Map<URI, NodeLink> links = new ConcurrentHashMap<>();
    private final ScheduledThreadPoolExecutor watchdog = new ScheduledThreadPoolExecutor(1,
            Thread.ofPlatform().daemon().name("kv-node-link-watchdog").factory());

    NodeTransport(Duration timeout, int connectionsPerNode) {
        this(timeout, connectionsPerNode, MemberTls.off());
    }

    /**
     * @param tls with member TLS on, only https nodes are called, and each proves its identity in the handshake
     *            before a request (and the cluster secret in it) is sent
     */
    NodeTransport(Duration timeout, int connectionsPerNode, MemberTls tls) {
        this(timeout, connectionsPerNode, tls, SourceAddress.none());
    }

    /** @param source the local address the calls leave from */
    NodeTransport(Duration timeout, int connectionsPerNode, MemberTls tls, SourceAddress source) {
        this.tls = tls;
        this.source = source;
        watchdog.setRemoveOnCancelPolicy(true);
        Timeout limit = Timeout.ofMilliseconds(timeout.toMillis());
        PoolingHttpClientConnectionManagerBuilder connections = PoolingHttpClientConnectionManagerBuilder.create();
        if (tls.enabled()) {
            connections.setTlsSocketStrategy(ClientTlsStrategyBuilder.create().setSslContext(tls.sslContext())
                    .buildClassic());
        }
        this.client = HttpClients.custom()
                .setConnectionManager(connections
                        .setMaxConnPerRoute(connectionsPerNode).setMaxConnTotal(connectionsPerNode * 16)
                        .setDefaultConnectionConfig(ConnectionConfig.custom().setConnectTimeout(limit)
                                .setSocketTimeout(limit).setValidateAfterInactivity(TimeValue.ofSeconds(2)).build())
                        .build())
                .setDefaultRequestConfig(RequestConfig.custom().setResponseTimeout(limit)
                        .setConnectionRequestTimeout(limit).build())
                .setRoutePlanner(new DefaultRoutePlanner(DefaultSchemePortResolver.INSTANCE) {
                    @Override
                    protected InetAddress determineLocalAddress(HttpHost firstHop, HttpContext context) {
                        return source.address();
                    }
                })
                .setRetryStrategy(new DefaultHttpRequestRetryStrategy(1, TimeValue.ZERO_MILLISECONDS))
                .disableCookieManagement().disableRedirectHandling().disableContentCompression()
                // Otherwise a connection that presented a client certificate (member TLS) is kept for requests of
                // that "user" only, and every request opens a new one: one identity is all this client ever has.
                .disableConnectionState()
                .disableAuthCaching().build();
    }

    CompletableFuture<Response> exchange(Request request) {
        return run(() -> execute(request), false);
    }

    /**
     * The exchange on the calling thread, for a caller that would only wait for it: no thread is started for it and
     * none has to wake the caller when it ends. Fails as {@link #exchange} does, with a {@link CompletionException}.
     */
    CompletableFuture<Response> exchangeHere(Request request) {
        return run(() -> execute(request), true);
    }

    /** The exchange on a virtual thread of its own, or on the calling thread (then done when this returns). */
    private CompletableFuture<Response> run(Supplier<Response> exchange, boolean here) {
        if (!here) {
            return CompletableFuture.supplyAsync(exchange, calls);
        }
        try {
            return CompletableFuture.completedFuture(exchange.get());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e instanceof CompletionException ? e : new CompletionException(e));
        }
    }

    /**
     * Posts a batch to a node's batch endpoint over its kept connections ({@link NodeLink}), on a thread of its own or,
     * with {@code here}, on the calling thread (see {@link #exchangeHere}). Fails with a {@link CompletionException}
     * whose cause is the transport's {@link IOException}.
     */
    CompletableFuture<Response> batch(URI endpoint, Supplier<String> secret, byte[] body, Duration timeout,
                                      boolean here) {
        NodeLink link = links.computeIfAbsent(endpoint, uri -> new NodeLink(checked(uri), tls.sslContext(), secret,
                watchdog, source.bindAddress()));
        long deadlineNanos = SystemSources.monotonicNanos() + timeout.toNanos();
        return run(() -> post(link, body, deadlineNanos), here);
    }

    /** The node's URI, if member TLS lets this gateway call it (see {@link MemberTls#callable}). */
    private URI checked(URI uri) {
        tls.callable(uri.toString());
        return uri;
    }

    private static Response post(NodeLink link, byte[] body, long deadlineNanos) {
        try {
            NodeLink.Answer answer = link.post(body, deadlineNanos);
            return new Response(answer.status(), answer.body());
        } catch (IOException e) {
            throw new CompletionException(e);
        }
    }

    private Response execute(Request request) {
        try {
            tls.callable(request.uri.toString());
        } catch (IllegalArgumentException e) {
            throw new CompletionException(e);
        }
        HttpUriRequestBase message = new HttpUriRequestBase(request.method, request.uri);
        request.headers.forEach(message::setHeader);
        if (request.timeout != null) {
            Timeout limit = Timeout.ofMilliseconds(request.timeout.toMillis());
            message.setConfig(RequestConfig.custom().setResponseTimeout(limit).setConnectionRequestTimeout(limit)
                    .build());
        }
        if (request.body != null) {
            message.setEntity(new ByteArrayEntity(request.body, ContentType.APPLICATION_OCTET_STREAM));
        }
        try {
            return client.execute(message, response -> new Response(response.getCode(), body(response.getEntity())));
        } catch (IOException e) {
            throw new CompletionException(e);
        }
    }

    /** The whole body, read into an array of its declared length when it has one (no growing buffer, no copy). */
    private static byte[] body(HttpEntity entity) throws IOException {
        if (entity == null) {
            return new byte[0];
        }
        long length = entity.getContentLength();
        if (length < 0 || length > Integer.MAX_VALUE - 8) {
            return EntityUtils.toByteArray(entity);
        }
        try (InputStream in = entity.getContent()) {
            byte[] body = new byte[(int) length];
            int read = in.readNBytes(body, 0, body.length);
            if (read < body.length) {
                throw new ConnectionClosedException("the answer ended after " + read + " of its " + length + " bytes");
            }
            return body;
        }
    }

    @Override
    public void close() {
        calls.close();
        links.values().forEach(NodeLink::close);
        watchdog.shutdownNow();
        try {
            client.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
