package dev.kv.gateway.admin;

import dev.kv.core.contract.InternalPaths;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The gateway's metrics in the Prometheus text format on the admin API (cluster secret), for the dashboard:
 * Actuator's {@code /actuator/prometheus} is on the management port, which only Prometheus may reach.
 */
@RestController
class MetricsAdminController {

    private final PrometheusMeterRegistry registry;

    MetricsAdminController(PrometheusMeterRegistry registry) {
        this.registry = registry;
    }

    @GetMapping(value = InternalPaths.ADMIN_METRICS, produces = "text/plain;version=0.0.4;charset=utf-8")
    String metrics() {
        return registry.scrape();
    }
}
