package dev.kv.node.replica;

import dev.kv.core.contract.InternalPaths;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The node's metrics in the Prometheus text format on the internal API, for the dashboard (which holds the cluster
 * secret): Actuator's {@code /actuator/prometheus} is on the management port, which only Prometheus may reach.
 */
@RestController
class NodeMetricsController {

    private final PrometheusMeterRegistry registry;

    NodeMetricsController(PrometheusMeterRegistry registry) {
        this.registry = registry;
    }

    @GetMapping(value = InternalPaths.METRICS, produces = "text/plain;version=0.0.4;charset=utf-8")
    String metrics() {
        return registry.scrape();
    }
}
