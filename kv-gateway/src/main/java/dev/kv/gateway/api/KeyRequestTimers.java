package dev.kv.gateway.api;

import dev.kv.core.quorum.QuorumSpec;
import dev.kv.gateway.config.GatewayProperties;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.stereotype.Component;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The {@code kv.requests} timers: every key request by operation, consistency and outcome, the outcome from the status
 * actually sent. Tags take a bounded set of values whatever clients send. Recorded by {@link KeyRouteValve} for the
 * requests it serves and by {@link RequestMetricsFilter} for the rest.
 */
@Component
class KeyRequestTimers {

    private static final Set<String> PRESETS = Set.of(QuorumSpec.STRONG, QuorumSpec.EVENTUAL, QuorumSpec.FAST_WRITE,
            QuorumSpec.FAST_READ);

    private final MeterRegistry registry;
    private final String defaultConsistency;
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();

    KeyRequestTimers(MeterRegistry registry, GatewayProperties properties) {
        this.registry = registry;
        this.defaultConsistency = properties.defaultConsistency();
    }

    void record(HttpServletRequest request, int status, long nanos) {
        timer(operation(request.getMethod()), consistency(request), outcome(status))
                .record(nanos, TimeUnit.NANOSECONDS);
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

    private static String outcome(int status) {
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
