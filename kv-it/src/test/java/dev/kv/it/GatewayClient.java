package dev.kv.it;

import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The public API of the gateway over {@link HttpClient}. Every request has a timeout, so no test can hang on a
 * silent server. Keys are percent-encoded by {@link KeyPaths#path}; {@link #raw} sends a path exactly as given, for
 * keys that are meant to be refused.
 */
public final class GatewayClient {

    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);

    private final HttpClient http;
    private final URI base;
    private final Supplier<String> clusterSecret;

    GatewayClient(HttpClient http, URI base, String clusterSecret) {
        this(http, base, () -> clusterSecret);
    }

    /** @param clusterSecret what admin calls send, asked each time (a test may rotate the secret) */
    GatewayClient(HttpClient http, URI base, Supplier<String> clusterSecret) {
        this.http = http;
        this.base = base;
        this.clusterSecret = clusterSecret;
    }

    public URI baseUri() {
        return base;
    }

    public Call put(String key) {
        return new Call("PUT", "/v1/kv/" + KeyPaths.path(key));
    }

    public Call get(String key) {
        return new Call("GET", "/v1/kv/" + KeyPaths.path(key));
    }

    public Call delete(String key) {
        return new Call("DELETE", "/v1/kv/" + KeyPaths.path(key));
    }

    /** A request to a path sent byte for byte (no encoding, no normalisation). */
    public Call raw(String method, String rawPath) {
        return new Call(method, rawPath);
    }

    /** PUT of a UTF-8 text value as {@code text/plain}, with optional {@code name=value} parameters. */
    public Reply write(String key, String value, String... parameters) {
        return put(key).text(value).params(parameters).send();
    }

    /** GET with optional {@code name=value} parameters. */
    public Reply read(String key, String... parameters) {
        return get(key).params(parameters).send();
    }

    /** DELETE with optional {@code name=value} parameters. */
    public Reply remove(String key, String... parameters) {
        return delete(key).params(parameters).send();
    }

    /** The ids of the key's replicas in preference order (the first is the coordinator the gateway tries first). */
    public List<String> preferenceList(String key) {
        Reply reply = raw("GET", "/v1/cluster/preference-list?key=" + KeyPaths.query(key)).send();
        if (reply.status() != 200) {
            throw new IllegalStateException("preference list: " + reply);
        }
        List<String> ids = new ArrayList<>();
        reply.json().valueStream().forEach(id -> ids.add(id.asString()));
        return ids;
    }

    /** {@code POST /admin/v1/repair} with the cluster secret: starts anti-entropy on every live node. */
    public JsonNode startRepair() {
        return admin("POST", 202);
    }

    /** {@code GET /admin/v1/repair} with the cluster secret: every node's anti-entropy status. */
    public JsonNode repairStatus() {
        return admin("GET", 200);
    }

    private JsonNode admin(String method, int expected) {
        Reply reply = raw(method, "/admin/v1/repair").header("X-KV-Cluster-Secret", clusterSecret.get()).send();
        if (reply.status() != expected) {
            throw new IllegalStateException(method + " /admin/v1/repair: " + reply);
        }
        return reply.json();
    }

    /** An admin call with the cluster secret, e.g. {@code POST /admin/v1/nodes/n4/decommission}. */
    public Reply admin(String method, String path) {
        return raw(method, path).header("X-KV-Cluster-Secret", clusterSecret.get()).send();
    }

    /** A member's state in the gateway's view (joining, normal, leaving, left, removed, waiting), or null. */
    public String stateOf(String nodeId) {
        for (JsonNode member : cluster().get("members")) {
            if (member.get("id").asString().equals(nodeId)) {
                return member.path("state").asString(null);
            }
        }
        return null;
    }

    public JsonNode cluster() {
        Reply reply = raw("GET", "/v1/cluster").send();
        if (reply.status() != 200) {
            throw new IllegalStateException("cluster view: " + reply);
        }
        return reply.json();
    }

    /** One request being built. */
    public final class Call {

        private final String method;
        private final String path;
        private final Map<String, String> parameters = new LinkedHashMap<>();
        private final Map<String, String> headers = new LinkedHashMap<>();
        private byte[] body;

        private Call(String method, String path) {
            this.method = method;
            this.path = path;
        }

        /** Query parameters as {@code name=value} strings, sent as given (they are ASCII in every test). */
        public Call params(String... nameEqualsValue) {
            for (String parameter : nameEqualsValue) {
                int equals = parameter.indexOf('=');
                parameters.put(parameter.substring(0, equals), parameter.substring(equals + 1));
            }
            return this;
        }

        public Call param(String name, String value) {
            parameters.put(name, value);
            return this;
        }

        public Call header(String name, String value) {
            headers.put(name, value);
            return this;
        }

        public Call context(String context) {
            return context == null ? this : header("X-KV-Context", context);
        }

        public Call accept(String mediaType) {
            return header("Accept", mediaType);
        }

        /** The value; a {@code null} content type sends none. */
        public Call body(byte[] value, String contentType) {
            this.body = value;
            return contentType == null ? this : header("Content-Type", contentType);
        }

        public Call text(String value) {
            return body(value.getBytes(StandardCharsets.UTF_8), "text/plain");
        }

        public Reply send() {
            StringBuilder target = new StringBuilder(path);
            char separator = path.contains("?") ? '&' : '?';
            for (Map.Entry<String, String> parameter : parameters.entrySet()) {
                target.append(separator).append(parameter.getKey()).append('=').append(parameter.getValue());
                separator = '&';
            }
            String pathAndQuery = target.toString();
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + pathAndQuery.substring(1)))
                    .timeout(REQUEST_TIMEOUT)
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(body));
            headers.forEach(request::header);
            try {
                HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
                return Reply.of(method, pathAndQuery, response);
            } catch (IOException e) {
                throw new UncheckedIOException(method + " " + pathAndQuery + " failed: " + e, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted during " + method + " " + pathAndQuery, e);
            }
        }
    }
}
