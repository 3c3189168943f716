package dev.kv.web.security;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.observation.SecurityObservationSettings;

/**
 * Spring Security observes every filter of its chain, every authentication and every authorization by default, each
 * one a Micrometer observation with tags built and sorted per request: 16 % of a node's CPU samples under workload A
 * (JFR, issue 13). Nobody reads those metrics; the request timers ({@code http.server.requests}, {@code kv_*}) stay.
 */
@Configuration(proxyBeanMethods = false)
public class NoSecurityObservations {

    @Bean
    SecurityObservationSettings securityObservationSettings() {
        return SecurityObservationSettings.noObservations();
    }
}
