package dev.kv.gateway.api;

import dev.kv.core.quorum.QuorumSpec;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Times every key request as {@code kv.requests} by operation, consistency and outcome. The outcome comes from the
 * status actually sent, so errors answered by filters and exception handlers are counted too. Tags take a bounded
 * set of values whatever clients send.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class RequestMetricsFilter extends jakarta.servlet.http.HttpFilter {

    private static final Set<String> PRESETS = Set.of(QuorumSpec.STRONG, QuorumSpec.EVENTUAL, QuorumSpec.FAST_WRITE,
            QuorumSpec.FAST_READ);

    private final MeterRegistry registry;
    private final String defaultConsistency;
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();

    RequestMetricsFilter(MeterRegistry registry, dev.kv.gateway.config.GatewayProperties properties) {
        this.registry = registry;
        this.defaultConsistency = properties.defaultConsistency();
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (!KeyPath.isKeyRoute(request.getRequestURI())) {
            chain.doFilter(request, response);
            return;
        }
        long start = System.nanoTime();
        try {
            chain.doFilter(request, response);
        } finally {
            timer(operation(request.getMethod()), consistency(request), outcome(response.getStatus()))
                    .record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
        }
    }

    /** The timer of one tag combination, built once: a few dozen combinations exist, requests are many. */
    private Timer timer(String op, String consistency, String outcome) {
        return timers.computeIfAbsent(op + '|' + consistency + '|' + outcome, combination -> Timer
                .builder("kv.requests")
                .description("client requests on keys")
                .tag("op", op).tag("consistency", consistency).tag("outcome", outcome)
                .publishPercentileHistogram()
                .register(registry));
    }

    private String consistency(HttpServletRequest request) {
        if (request.getParameter("r") != null || request.getParameter("w") != null) {
            return QuorumSpec.CUSTOM;
        }
        String preset = request.getParameter("consistency");
        if (preset == null) {
            return defaultConsistency;
        }
        return PRESETS.contains(preset) ? preset : "invalid";
    }

    private static String operation(String method) {
        return switch (method) {
            case "GET" -> "get";
            case "PUT" -> "put";
            case "DELETE" -> "delete";
            default -> "other";
        };
    }

    static String outcome(int status) {
        return switch (status) {
            case 200, 204 -> "ok";
            case 300 -> "siblings";
            case 400 -> "bad_request";
            case 404 -> "not_found";
            case 409 -> "conflict";
            case 413 -> "too_large";
            case 503 -> "unavailable";
            default -> status >= 500 ? "error" : "client_error";
        };
    }
}
