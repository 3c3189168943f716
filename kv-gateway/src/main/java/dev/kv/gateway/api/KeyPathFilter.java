package dev.kv.gateway.api;

import dev.kv.core.key.InvalidKeyException;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;

/**
 * Validates the key of every request whose raw path starts with {@code /v1/kv/} before the container's normalised
 * path is used for routing, so a key can never escape its route. The parsed key is handed to the controller as a
 * request attribute. It runs before Spring Security, whose chain (with its strict firewall, which would refuse the
 * percent-encoded bytes keys may hold) does not apply to this route: every request it lets through is a key route by
 * any reading of its path.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
class KeyPathFilter extends OncePerRequestFilter {

    static final String KEY_ATTRIBUTE = "dev.kv.gateway.key";

    /** Nothing may load, run, or frame a value; {@code sandbox} also strips a top-level document of its origin. */
    public static final String VALUE_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; "
            + "form-action 'none'; sandbox";

    /**
     * A value is served with the Content-Type its writer chose, on the origin of Swagger UI: a browser must neither
     * sniff it into something else nor run or embed it as a page (the API is not for browsing).
     */
    static void protectValue(HttpServletResponse response) {
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Content-Security-Policy", VALUE_POLICY);
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !KeyPath.isKeyRoute(request.getRequestURI());
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        protectValue(response);
        try {
            request.setAttribute(KEY_ATTRIBUTE, KeyPath.parse(request.getRequestURI()));
        } catch (InvalidKeyException e) {
            Problems.write(response, 400, "Invalid key", e.getMessage(), "invalid-key");
            return;
        }
        chain.doFilter(request, response);
    }
}
