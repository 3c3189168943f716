package dev.kv.gateway.limits;

import dev.kv.web.runtime.SystemSources;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;

import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A resilience4j {@link RateLimiter} per client, refilled every tenth of a second (so a client's allowance comes back
 * evenly rather than once a second), with a bounded number of clients: when more are tracked than allowed, the half
 * that was idle longest is forgotten.
 */
final class ClientRateLimiter {

    private static final Duration REFILL = Duration.ofMillis(100);

    /** A client's limiter and when it was last asked. */
    private static final class Client {
        final RateLimiter limiter;
        volatile long lastNanos;

        Client(RateLimiter limiter) {
            this.limiter = limiter;
        }
    }

    private final RateLimiterConfig config;
    private final int clientsMax;
    private final ConcurrentHashMap<String, Client> clients = new ConcurrentHashMap<>();

    ClientRateLimiter(int perSecond, int clientsMax) {
        int perRefill = Math.max(1, (int) Math.ceil(perSecond / 10.0));
        this.config = RateLimiterConfig.custom().limitRefreshPeriod(REFILL).limitForPeriod(perRefill)
                .timeoutDuration(Duration.ZERO).build();
        this.clientsMax = clientsMax;
    }

    /** Takes one request from {@code client}'s allowance; false when it has none left until the next refill. */
    boolean acquire(String client) {
        Client entry = clients.get(client);
        if (entry == null) {
            if (clients.size() >= clientsMax) {
                forgetIdlest();
            }
            entry = clients.computeIfAbsent(client, name -> new Client(RateLimiter.of(name, config)));
        }
        entry.lastNanos = SystemSources.monotonicNanos();
        return entry.limiter.acquirePermission();
    }

    int tracked() {
        return clients.size();
    }

    private synchronized void forgetIdlest() {
        if (clients.size() < clientsMax) {
            return;
        }
        clients.entrySet().stream().sorted(Comparator.comparingLong(e -> e.getValue().lastNanos))
                .limit(Math.max(1, clients.size() / 2)).map(Map.Entry::getKey).toList()
                .forEach(clients::remove);
    }
}
