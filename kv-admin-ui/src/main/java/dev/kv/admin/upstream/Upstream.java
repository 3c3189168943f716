package dev.kv.admin.upstream;

import dev.kv.admin.AdminProperties;
import dev.kv.core.cluster.MemberAddress;
import dev.kv.core.contract.Headers;
import dev.kv.web.runtime.Json;
import dev.kv.web.security.LiveClusterSecret;
import dev.kv.web.tls.MemberTls;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.util.Map;
import javax.net.ssl.SSLContext;

/**
 * The services the dashboard reads: the gateway's public API, its admin API and the nodes' internal API, all with the
 * cluster secret, which only this backend holds (the browser never sees it); the gateway takes it as an operator's
 * credential, also on the public API when client authentication is on. Every call has a timeout; a
 * service that cannot be reached becomes an {@link UpstreamException}, which the page shows as such.
 */
@Component
public class Upstream {

    private static final JsonMapper JSON = Json.mapper();

    /**
     * What a service answered.
     *
     * @param status  HTTP status
     * @param body    the body, possibly empty
     * @param headers the headers the dashboard cares about (context, expiry, siblings), by name in any case
     */
    public record Answer(int status, byte[] body, Map<String, String> headers) {

        public JsonNode json() {
            return JSON.readTree(body);
        }

        /** This answer passed on to the page as it came: status, body and content type. */
        public ResponseEntity<byte[]> relay() {
            ResponseEntity.BodyBuilder response = ResponseEntity.status(status);
            String type = headers.get("content-type");
            if (type != null) {
                response.contentType(MediaType.parseMediaType(type));
            }
            return response.body(body);
        }
    }

    private final RestClient client;
    private final RestClient nodes;
    private final MemberTls tls;
    private final URI gateway;
    private final LiveClusterSecret secret;

    Upstream(RestClient.Builder builder, AdminProperties properties, LiveClusterSecret secret, SslBundles bundles,
             MemberTls tls) {
        // An https gateway whose certificate a private CA signed: trust that CA (hostname checked as usual).
        this.client = client(builder.clone(), properties, properties.gatewaySslBundle().isBlank() ? null
                : bundles.getBundle(properties.gatewaySslBundle()).createSslContext());
        // Nodes under member TLS: the dashboard is a member, and each node proves it is one too.
        this.nodes = tls.enabled() ? client(builder.clone(), properties, tls.sslContext()) : client;
        this.tls = tls;
        this.gateway = URI.create(properties.gatewayUrl().toString().replaceAll("/$", ""));
        this.secret = secret;
    }

    private static RestClient client(RestClient.Builder builder, AdminProperties properties, SSLContext tls) {
        HttpClient.Builder http = HttpClient.newBuilder().connectTimeout(properties.timeout());
        if (tls != null) {
            http.sslContext(tls);
        }
        JdkClientHttpRequestFactory factory = new JdkClientHttpRequestFactory(http.build());
        factory.setReadTimeout(properties.timeout());
        return builder.requestFactory(factory).build();
    }

    public URI gateway() {
        return gateway;
    }

    /**
     * A call to the gateway's public API; any status is an answer. With the cluster secret: the dashboard is an
     * operator's tool, and with client authentication on the gateway takes the secret as an admin's credential.
     */
    public Answer gateway(HttpMethod method, String pathAndQuery, Map<String, String> headers, byte[] body) {
        return exchange(method, URI.create(gateway + pathAndQuery), headers, body);
    }

    /** A call to the gateway's admin API, with the cluster secret. */
    public Answer gatewayAdmin(HttpMethod method, String pathAndQuery) {
        return exchange(method, URI.create(gateway + pathAndQuery), Map.of(), null);
    }

    /**
     * The gateway's cluster view ({@code GET /v1/cluster}) with the cluster secret: only then does it hold the nodes'
     * internal addresses and what they hold.
     */
    public Answer clusterView() {
        return exchange(HttpMethod.GET, URI.create(gateway + "/v1/cluster"), Map.of(), null);
    }

    /** A GET of a node's internal API, with the cluster secret. */
    public Answer node(URI nodeBase, String pathAndQuery) {
        String base;
        try {
            // The secret goes only to a plain member address, as the nodes and the gateway accept them.
            base = tls.callable(MemberAddress.validate(nodeBase.toString()));
        } catch (IllegalArgumentException e) {
            throw new UpstreamException("node", e);
        }
        return exchange(nodes, HttpMethod.GET, URI.create(base + pathAndQuery), Map.of(), null);
    }

    private Answer exchange(HttpMethod method, URI uri, Map<String, String> headers, byte[] body) {
        return exchange(client, method, uri, headers, body);
    }

    private Answer exchange(RestClient via, HttpMethod method, URI uri, Map<String, String> headers, byte[] body) {
        try {
            RestClient.RequestBodySpec request = via.method(method).uri(uri);
            headers.forEach(request::header);
            String current = secret.get().current();
            if (!current.isEmpty()) {
                request.header(Headers.CLUSTER_SECRET, current);
            }
            if (body != null) {
                request.body(body);
            }
            return request.exchange((req, response) -> {
                Map<String, String> kept = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
                for (String name : new String[] {"content-type", Headers.CONTEXT, Headers.EXPIRES_AT, Headers.SIBLINGS,
                        "etag"}) {
                    String value = response.getHeaders().getFirst(name);
                    if (value != null) {
                        kept.put(name, value);
                    }
                }
                return new Answer(response.getStatusCode().value(), response.getBody().readAllBytes(), kept);
            });
        } catch (RestClientException e) {
            throw new UpstreamException(uri.getScheme() + "://" + uri.getAuthority(), e);
        }
    }
}
