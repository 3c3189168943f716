package dev.kv.gateway.routing;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/** Ready once the gateway knows a ring to route on; part of the readiness group. */
@Component
class ClusterViewHealthIndicator implements HealthIndicator {

    private final ClusterView view;

    ClusterViewHealthIndicator(ClusterView view) {
        this.view = view;
    }

    @Override
    public Health health() {
        Health.Builder health = view.isReady() ? Health.up() : Health.outOfService();
        return health.withDetail("members", view.members().size())
                .withDetail("observer", String.valueOf(view.observer())).build();
    }
}
