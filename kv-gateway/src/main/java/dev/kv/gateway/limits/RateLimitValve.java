package dev.kv.gateway.limits;

import dev.kv.gateway.api.Problems;
import io.micrometer.core.instrument.Counter;
import jakarta.servlet.ServletException;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;

import java.io.IOException;

/**
 * The per-client rate limit of the public API, ahead of everything that serves it (the key route's valve included):
 * a client over its allowance gets a 429 problem with {@code Retry-After} and costs nothing more. A client is its
 * source address (as Tomcat sees it: behind a proxy, the proxy's, unless {@code server.forward-headers-strategy} is
 * set). Operator and management paths are not limited.
 */
final class RateLimitValve extends ValveBase {

    private final ClientRateLimiter limiter;
    private final Counter refusals;

    RateLimitValve(ClientRateLimiter limiter, Counter refusals) {
        super(true);
        this.limiter = limiter;
        this.refusals = refusals;
    }

    @Override
    public void invoke(Request request, Response response) throws IOException, ServletException {
        if (!request.getRequestURI().startsWith("/v1/")) {
            getNext().invoke(request, response);
            return;
        }
        if (limiter.acquire(request.getRemoteAddr())) {
            getNext().invoke(request, response);
            return;
        }
        refusals.increment();
        // The allowance comes back every tenth of a second; a second is the finest Retry-After there is.
        response.setHeader("Retry-After", "1");
        Problems.write(response, 429, "Too Many Requests",
                "this client is over its rate limit (kv.gateway.rate-limit.per-client); retry after 1 s",
                "rate-limited");
    }
}
