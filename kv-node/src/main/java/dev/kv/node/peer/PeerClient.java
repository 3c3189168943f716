package dev.kv.node.peer;

import dev.kv.core.cluster.ClusterSecret;
import dev.kv.core.cluster.MemberAddress;
import dev.kv.core.contract.Headers;
import dev.kv.node.membership.TopologyService;
import dev.kv.web.net.SourceAddress;
import dev.kv.web.security.LiveClusterSecret;
import dev.kv.web.tls.MemberTls;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * Node-to-node HTTP calls (gossip, hint delivery, anti-entropy), asynchronous, with the cluster secret and a timeout
 * on every call. Connections are kept alive between rounds. The secret goes only to plain member addresses
 * ({@link MemberAddress}): those learned from seeds or from authenticated gossip; anything else fails the call unsent,
 * as does a plain address under member TLS.
 * Every call carries this node's topology version: a peer holding another one refuses data it would otherwise merge
 * (hints, anti-entropy), so a node that restarted on an old data directory cannot spread that data before it has
 * learned the ring has moved on (issue 12).
 */
@Component
public class PeerClient {

    private final HttpClient http;
    private final Supplier<ClusterSecret> secret;
    private final Supplier<String> topologyVersion;
    private final MemberTls tls;

    @Autowired
    public PeerClient(LiveClusterSecret secret, TopologyService topologies, MemberTls tls, SourceAddress source) {
        this(secret, () -> topologies.current().map(t -> t.version().toString()).orElse(null), tls, source);
    }

    public PeerClient(Supplier<ClusterSecret> secret, Supplier<String> topologyVersion, MemberTls tls) {
        this(secret, topologyVersion, tls, SourceAddress.none());
    }

    /**
     * @param secret asked on every call, so a reloaded secret is sent from the next call on
     * @param tls    with member TLS on, only https members are called, and each must prove it is a member during the
     *               handshake (its certificate renewed in place is used from the next connection on)
     * @param source the local address calls leave from
     */
    public PeerClient(Supplier<ClusterSecret> secret, Supplier<String> topologyVersion, MemberTls tls,
                      SourceAddress source) {
        this.secret = secret;
        this.topologyVersion = topologyVersion;
        this.tls = tls;
        HttpClient.Builder builder = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofMillis(500))
                .executor(Executors.newVirtualThreadPerTaskExecutor());
        if (tls.enabled()) {
            builder.sslContext(tls.sslContext()); // host names are checked against the certificate, as by default
        }
        if (source.address() != null) {
            builder.localAddress(source.address());
        }
        this.http = builder.build();
    }

    /** The scheme of member addresses given without one. */
    public String scheme() {
        return tls.scheme();
    }

    public CompletableFuture<HttpResponse<byte[]>> post(String baseUrl, String path, String contentType, byte[] body,
                                                        Duration timeout) {
        try {
            return send(request(baseUrl, path, timeout).header("Content-Type", contentType)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    public CompletableFuture<HttpResponse<byte[]>> put(String baseUrl, String path, byte[] body, Duration timeout) {
        try {
            return send(request(baseUrl, path, timeout).header("Content-Type", "application/octet-stream")
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build());
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    public CompletableFuture<HttpResponse<byte[]>> get(String baseUrl, String path, Duration timeout) {
        try {
            return send(request(baseUrl, path, timeout).GET().build());
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private HttpRequest.Builder request(String baseUrl, String path, Duration timeout) {
        String base = tls.callable(MemberAddress.validate(baseUrl));
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("peer paths are absolute: " + path);
        }
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout);
        String current = secret.get().current();
        if (!current.isEmpty()) {
            builder.header(Headers.CLUSTER_SECRET, current);
        }
        String version = topologyVersion.get();
        if (version != null) {
            builder.header(Headers.TOPOLOGY, version);
        }
        return builder;
    }

    private CompletableFuture<HttpResponse<byte[]>> send(HttpRequest request) {
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray());
    }
}
