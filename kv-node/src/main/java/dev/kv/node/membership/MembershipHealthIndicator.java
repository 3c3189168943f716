package dev.kv.node.membership;

import dev.kv.core.placement.MemberState;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

import java.util.Locale;

/**
 * Ready only as a member that serves reads: normal, or leaving (still read from until the change completes). A node
 * waiting to join, joining, or gone is up but not ready, and says why (part of the readiness group).
 */
@Component("membership")
class MembershipHealthIndicator implements HealthIndicator {

    private final TopologyService topologies;
    private final TransitionDriver driver;

    MembershipHealthIndicator(TopologyService topologies, TransitionDriver driver) {
        this.topologies = topologies;
        this.driver = driver;
    }

    @Override
    public Health health() {
        MemberState state = topologies.localState().orElse(null);
        String version = topologies.current().map(t -> t.version().toString()).orElse("none");
        Health.Builder health = state == MemberState.NORMAL || state == MemberState.LEAVING ? Health.up()
                : Health.outOfService();
        health.withDetail("state", state == null ? "waiting" : state.name().toLowerCase(Locale.ROOT))
                .withDetail("topology", version);
        if (driver.waitingReason() != null) {
            health.withDetail("waiting", driver.waitingReason());
        }
        return health.build();
    }
}
