package dev.kv.admin.security;

import dev.kv.admin.AdminProperties;
import dev.kv.web.ProblemWriter;
import dev.kv.web.security.ProtectedMode;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.net.InetAddress;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * DNS rebinding: a page on another site can make the victim's browser send requests to {@code 127.0.0.1:8090} under
 * the attacker's host name, and read the answers, since the browser takes them as same-origin. The dashboard on
 * loopback has no login, so it answers only requests whose {@code Host} names it: a loopback name or address, or one
 * of {@code kv.admin.allowed-hosts}. Bound beyond loopback the check applies when that list is set (the login guards
 * it otherwise, and a rebinding page gets no credentials). Health probes are exempt: Kubernetes sends the pod's
 * address.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
class AllowedHostsFilter extends OncePerRequestFilter {

    private final boolean active;
    private final Set<String> allowed;

    AllowedHostsFilter(AdminProperties properties, Environment environment) {
        this.allowed = properties.allowedHosts().stream().map(h -> h.toLowerCase(Locale.ROOT))
                .collect(Collectors.toUnmodifiableSet());
        this.active = !allowed.isEmpty() || ProtectedMode.isLoopback(environment.getProperty("server.address", ""));
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI();
        return !active || path.equals("/actuator/health") || path.startsWith("/actuator/health/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!admits(request.getHeader("Host"))) {
            ProblemWriter.ABOUT_BLANK.write(response, 403, "forbidden", "Forbidden",
                    "the Host header names no host this dashboard serves: open it by a loopback address or a name"
                            + " in kv.admin.allowed-hosts");
            return;
        }
        chain.doFilter(request, response);
    }

    /** Whether the {@code Host} header (with or without a port) names a loopback host or an allowed one. */
    boolean admits(String hostHeader) {
        if (hostHeader == null || hostHeader.isBlank()) {
            return false;
        }
        String host = hostOf(hostHeader.strip().toLowerCase(Locale.ROOT));
        return host.equals("localhost") || allowed.contains(host) || isLoopbackLiteral(host);
    }

    /** The host without its port: {@code [::1]:8090} is {@code ::1}, {@code name:8090} is {@code name}. */
    private static String hostOf(String header) {
        if (header.startsWith("[")) {
            int end = header.indexOf(']');
            return end < 0 ? header : header.substring(1, end);
        }
        int colon = header.indexOf(':');
        return colon < 0 ? header : header.substring(0, colon);
    }

    /** An IPv4 or IPv6 literal of a loopback address; a name is never resolved here (that is what rebinding abuses). */
    private static boolean isLoopbackLiteral(String host) {
        boolean literal = host.contains(":") || host.matches("[0-9.]+");
        if (!literal) {
            return false;
        }
        try {
            return InetAddress.ofLiteral(host).isLoopbackAddress();
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
