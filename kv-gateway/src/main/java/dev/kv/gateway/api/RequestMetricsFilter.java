package dev.kv.gateway.api;

import dev.kv.web.runtime.SystemSources;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

import java.io.IOException;

/**
 * Times the key requests that reach Spring ({@link KeyRequestTimers}): those {@link KeyRouteValve} does not serve
 * (other methods, or all of them with the valve turned off). Errors answered by filters and exception handlers are
 * counted too, since the outcome is read after the chain.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class RequestMetricsFilter extends jakarta.servlet.http.HttpFilter {

    private final KeyRequestTimers timers;

    RequestMetricsFilter(KeyRequestTimers timers) {
        this.timers = timers;
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (!KeyPath.isKeyRoute(request.getRequestURI())) {
            chain.doFilter(request, response);
            return;
        }
        long start = SystemSources.monotonicNanos();
        try {
            chain.doFilter(request, response);
        } finally {
            timers.record(request, response.getStatus(), SystemSources.monotonicNanos() - start);
        }
    }
}
