package dev.kv.gateway.auth;

import dev.kv.core.cluster.ClusterSecret;
import dev.kv.core.contract.Headers;
import dev.kv.gateway.api.KeyPath;
import dev.kv.gateway.api.Problems;
import dev.kv.web.security.AuditLog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.ServletException;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;

import java.io.IOException;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Client authentication and roles on the public API ({@code /v1/**}), ahead of the key route's valve (which serves
 * ahead of Spring Security): a request without a known API key is a 401 problem with {@code WWW-Authenticate:
 * Bearer}; one whose client lacks the role (GET and HEAD need {@code read}, every other method on a key {@code write};
 * the cluster view {@code read}) or the key prefix is a 403 problem. Each refusal is counted
 * ({@code kv_auth_refusals_total{credential="api-key"}}) and written to the audit log. The cluster secret, which
 * operators and the dashboard's backend hold, is an admin's credential here as on the admin API. The admin API is
 * Spring Security's ({@link ClientAuthConfiguration}); Swagger UI and the API description stay open.
 */
final class ClientAuthValve extends ValveBase {

    /** The request attribute holding the {@link ApiClient} a request was made by. */
    static final String CLIENT = ClientAuthValve.class.getName() + ".client";

    private final ApiKeys keys;
    private final Supplier<ClusterSecret> secret;
    private final MeterRegistry registry;

    ClientAuthValve(ApiKeys keys, Supplier<ClusterSecret> secret, MeterRegistry registry) {
        super(true);
        this.keys = keys;
        this.secret = secret;
        this.registry = registry;
        for (String reason : new String[] {"missing", "wrong", "forbidden"}) {
            refusals(reason);
        }
    }

    private Counter refusals(String reason) {
        return Counter.builder("kv.auth.refusals").tag("credential", "api-key").tag("reason", reason)
                .description("requests refused for a missing or wrong credential").register(registry);
    }

    @Override
    public void invoke(Request request, Response response) throws IOException, ServletException {
        String uri = request.getRequestURI();
        if (!uri.startsWith("/v1/") && !uri.equals("/v1/kv")) {
            getNext().invoke(request, response);
            return;
        }
        String presentedSecret = request.getHeader(Headers.CLUSTER_SECRET);
        if (presentedSecret != null) {
            // Operators and the dashboard's backend hold the cluster secret: it is an admin's credential here too.
            if (secret.get().matches(presentedSecret)) {
                getNext().invoke(request, response);
                return;
            }
            refusals("wrong").increment();
            AuditLog.refused(request.getRemoteAddr(), request.getMethod(), uri, 401, "wrong cluster secret");
            Problems.write(response, 401, "Unauthorized", "wrong cluster secret in " + Headers.CLUSTER_SECRET,
                    "unauthorized");
            return;
        }
        String authorization = request.getHeader("Authorization");
        Optional<ApiClient> authenticated = keys.authenticate(authorization);
        if (authenticated.isEmpty()) {
            String reason = authorization == null ? "missing" : "wrong";
            refusals(reason).increment();
            AuditLog.refused(request.getRemoteAddr(), request.getMethod(), uri, 401, reason + " API key");
            response.setHeader("WWW-Authenticate", "Bearer realm=\"kv\"");
            Problems.write(response, 401, "Unauthorized", authorization == null
                    ? "this API needs a client's key: Authorization: Bearer <key>"
                    : "the key in Authorization is not one of this cluster's clients", "unauthorized");
            return;
        }
        ApiClient client = authenticated.get();
        String key = null;
        Role needed = Role.READ;
        if (KeyPath.isKeyRoute(uri)) {
            String method = request.getMethod();
            needed = method.equals("GET") || method.equals("HEAD") ? Role.READ : Role.WRITE;
            try {
                key = KeyPath.parse(uri);
            } catch (RuntimeException invalid) {
                // Not a key at all: the route answers it with its 400, and nothing is read or written.
                getNext().invoke(request, response);
                return;
            }
        }
        if (!client.may(needed, key)) {
            refusals("forbidden").increment();
            String why = key == null ? "needs the " + name(needed) + " role"
                    : "needs the " + name(needed) + " role on this key's prefix";
            AuditLog.refused(client.name(), request.getMethod(), uri, 403, why);
            Problems.write(response, 403, "Forbidden", "client " + client.name() + " " + why, "forbidden");
            return;
        }
        request.setAttribute(CLIENT, client);
        getNext().invoke(request, response);
    }

    private static String name(Role role) {
        return role.name().toLowerCase(Locale.ROOT);
    }
}
