package dev.kv.gateway.admin;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The gateway's operator endpoints ({@code /admin/**}: cluster-wide repair) start work on every node, so they take the
 * same credential as the nodes' own admin endpoints: the cluster secret in {@value #HEADER}, compared in constant
 * time. The public data API stays open. Without a configured secret (loopback development) nothing is checked.
 */
@Component
class AdminSecretFilter extends OncePerRequestFilter {

    static final String HEADER = "X-KV-Cluster-Secret";

    private final byte[] secret;

    AdminSecretFilter(@Value("${kv.cluster.secret:}") String secret) {
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return secret.length == 0 || !request.getRequestURI().startsWith("/admin/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String presented = request.getHeader(HEADER);
        if (presented == null || !MessageDigest.isEqual(secret, presented.getBytes(StandardCharsets.UTF_8))) {
            response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
            response.setContentType("application/problem+json");
            response.getWriter().write("{\"type\":\"about:blank\",\"title\":\"Unauthorized\",\"status\":401,"
                    + "\"detail\":\"admin API: missing or wrong cluster secret in " + HEADER + "\"}");
            return;
        }
        chain.doFilter(request, response);
    }
}
