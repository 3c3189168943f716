package dev.kv.bench;

import org.apache.hc.client5.http.classic.methods.HttpDelete;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.classic.methods.HttpPut;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.util.Timeout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The gateway's data API over Apache HttpClient 5 (classic, blocking, pooled keep-alive connections). Chosen because
 * the load generator shares the CPU with the cluster it measures: a blocking call on a pooled connection costs a few
 * microseconds of client CPU, where the JDK's HttpClient spent several times that (see docs/benchmarks.md). Calls
 * spread round-robin over the given gateways. Thread-safe.
 */
public final class KvHttp implements AutoCloseable {

    /**
     * What the gateway answered.
     *
     * @param status  HTTP status
     * @param body    the body (the value on a 200)
     * @param context the {@code X-KV-Context} header, or {@code null}
     */
    public record Answer(int status, byte[] body, String context) {
    }

    private final List<URI> gateways;
    private final CloseableHttpClient client;
    private final AtomicInteger next = new AtomicInteger();

    public KvHttp(List<URI> gateways, int connections, Duration timeout) {
        if (gateways.isEmpty()) {
            throw new IllegalArgumentException("at least one gateway URL is needed");
        }
        this.gateways = List.copyOf(gateways);
        PoolingHttpClientConnectionManager pool = PoolingHttpClientConnectionManagerBuilder.create()
                .setMaxConnTotal(connections * gateways.size()).setMaxConnPerRoute(connections)
                .setDefaultConnectionConfig(ConnectionConfig.custom()
                        .setConnectTimeout(Timeout.ofSeconds(2))
                        .setSocketTimeout(Timeout.ofMilliseconds(timeout.toMillis())).build())
                .build();
        this.client = HttpClients.custom().setConnectionManager(pool).disableAutomaticRetries()
                .disableCookieManagement().disableRedirectHandling().disableContentCompression().build();
    }

    /** {@code GET /v1/kv/{key}?{query}}. */
    public Answer get(String key, String query) {
        return execute(new HttpGet(uri(key, query)));
    }

    /** {@code PUT /v1/kv/{key}?{query}} with the value as {@code application/octet-stream}, and a context if given. */
    public Answer put(String key, byte[] value, String query, String context) {
        HttpPut put = new HttpPut(uri(key, query));
        put.setEntity(new ByteArrayEntity(value, ContentType.APPLICATION_OCTET_STREAM));
        if (context != null) {
            put.setHeader("X-KV-Context", context);
        }
        return execute(put);
    }

    /** {@code DELETE /v1/kv/{key}?{query}}. */
    public Answer delete(String key, String query) {
        return execute(new HttpDelete(uri(key, query)));
    }

    /** A GET of any URL (the tool's own ceiling against a trivial endpoint). */
    public Answer getUrl(URI url) {
        return execute(new HttpGet(url));
    }

    private URI uri(String key, String query) {
        URI base = gateways.get(Math.floorMod(next.getAndIncrement(), gateways.size()));
        return base.resolve("/v1/kv/" + encodePath(key) + (query == null || query.isEmpty() ? "" : "?" + query));
    }

    private Answer execute(HttpUriRequestBase request) {
        try {
            return client.execute(request, response -> {
                byte[] body = response.getEntity() == null ? new byte[0]
                        : EntityUtils.toByteArray(response.getEntity());
                Header context = response.getFirstHeader("X-KV-Context");
                return new Answer(response.getCode(), body, context == null ? null : context.getValue());
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Percent-encodes everything but RFC 3986 unreserved characters and '/' (a key's segments stay segments). */
    static String encodePath(String key) {
        StringBuilder out = new StringBuilder(key.length() + 8);
        for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
                    || c == '_' || c == '~' || c == '/') {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
            }
        }
        return out.toString();
    }

    @Override
    public void close() {
        try {
            client.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
