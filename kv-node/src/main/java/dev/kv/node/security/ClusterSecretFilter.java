package dev.kv.node.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Only cluster members (and operators holding the secret) may call {@code /internal/**} and {@code /admin/**}: they prove it with the shared cluster secret in
 * {@value #HEADER}, compared in constant time. Without a configured secret the internal API is open, which is
 * acceptable only on loopback; the node says so at start-up.
 */
@Component
class ClusterSecretFilter extends OncePerRequestFilter {

    static final String HEADER = "X-KV-Cluster-Secret";
    private static final Logger log = LoggerFactory.getLogger(ClusterSecretFilter.class);

    private final byte[] secret;

    ClusterSecretFilter(@Value("${kv.cluster.secret:}") String secret) {
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
        if (secret.isEmpty()) {
            log.warn("kv.cluster.secret is not set: the internal API accepts any caller (loopback development only)");
        }
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI();
        return !path.startsWith("/internal/") && !path.startsWith("/admin/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (secret.length > 0) {
            String presented = request.getHeader(HEADER);
            if (presented == null || !MessageDigest.isEqual(secret, presented.getBytes(StandardCharsets.UTF_8))) {
                response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
                response.setContentType("application/problem+json");
                response.getWriter().write("{\"type\":\"about:blank\",\"title\":\"Unauthorized\",\"status\":401,"
                        + "\"detail\":\"internal API: missing or wrong cluster secret\"}");
                return;
            }
        }
        chain.doFilter(request, response);
    }
}
