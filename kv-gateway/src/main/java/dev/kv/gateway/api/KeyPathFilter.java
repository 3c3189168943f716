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
 * request attribute.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
class KeyPathFilter extends OncePerRequestFilter {

    static final String KEY_ATTRIBUTE = "dev.kv.gateway.key";

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !KeyPath.isKeyRoute(request.getRequestURI());
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        try {
            request.setAttribute(KEY_ATTRIBUTE, KeyPath.parse(request.getRequestURI()));
        } catch (InvalidKeyException e) {
            Problems.write(response, 400, "Invalid key", e.getMessage(), "invalid-key");
            return;
        }
        chain.doFilter(request, response);
    }
}
