package dev.kv.gateway.api;

import io.micrometer.observation.ObservationPredicate;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.server.observation.ServerRequestObservationContext;

/**
 * Key requests are timed once, by {@link RequestMetricsFilter} as {@code kv.requests} (by operation, consistency and
 * outcome, which is what an operator asks about), not a second time as Spring's {@code http.server.requests}: that
 * observation, with its context, key values and handler lookup, cost about as much as the gateway's own work for a
 * request (issue 13). Every other route keeps it.
 */
@Configuration(proxyBeanMethods = false)
class KeyRouteObservations {

    @Bean
    ObservationPredicate noServerObservationOfKeyRequests() {
        return (name, context) -> !(context instanceof ServerRequestObservationContext server
                && KeyPath.isKeyRoute(server.getCarrier().getRequestURI()));
    }
}
