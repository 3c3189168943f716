package dev.kv.node.peer;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;

/**
 * Node-to-node HTTP calls (gossip, hint delivery), asynchronous, with the cluster secret and a timeout on every
 * call. Connections are kept alive between rounds.
 */
@Component
public class PeerClient {

    private static final String SECRET_HEADER = "X-KV-Cluster-Secret";

    private final HttpClient http;
    private final String secret;

    public PeerClient(@Value("${kv.cluster.secret:}") String secret) {
        this.secret = secret;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofMillis(500))
                .executor(Executors.newVirtualThreadPerTaskExecutor()).build();
    }

    public CompletableFuture<HttpResponse<byte[]>> post(String baseUrl, String path, String contentType, byte[] body,
                                                        Duration timeout) {
        return send(request(baseUrl, path, timeout).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    }

    public CompletableFuture<HttpResponse<byte[]>> put(String baseUrl, String path, byte[] body, Duration timeout) {
        return send(request(baseUrl, path, timeout).header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    }

    private HttpRequest.Builder request(String baseUrl, String path, Duration timeout) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(timeout);
        if (!secret.isEmpty()) {
            builder.header(SECRET_HEADER, secret);
        }
        return builder;
    }

    private CompletableFuture<HttpResponse<byte[]>> send(HttpRequest request) {
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray());
    }
}
