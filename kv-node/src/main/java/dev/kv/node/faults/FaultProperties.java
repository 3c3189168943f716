package dev.kv.node.faults;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The fault hooks a robustness test arms on a node (issue 16): named failpoints and a skewed wall clock. They are a
 * test profile only: nothing is armed unless {@code enabled} is true, and arming anything without it stops the node
 * at start, so a stray setting in production fails loudly instead of crashing a node later.
 *
 * @param enabled     the guard: without it the failpoints must be empty and the clock offset zero
 * @param failpoints  {@code name=action} entries ({@link Failpoint} names; {@code crash}, {@code error} or
 *                    {@code delay:<duration>}), e.g. {@code replica-merge.after=crash,merkle-push.before=delay:200ms}
 * @param clockOffset added to every wall-clock reading of the node (HLC, last-write-wins timestamps, TTL expiry,
 *                    tombstone grace, hint dates, gossip), signed, e.g. {@code -30s}; fixed for the life of the
 *                    process, so a test makes a node's clock jump backwards by restarting it with a smaller offset.
 *                    A node whose clock runs ahead of the gateways by more than their deadline budget refuses every
 *                    coordinate attempt as past its deadline, as a really skewed node would
 */
@ConfigurationProperties("kv.faults")
public record FaultProperties(
        @DefaultValue("false") boolean enabled,
        @DefaultValue List<String> failpoints,
        @DefaultValue("0s") Duration clockOffset) {

    private static final String TEST_ONLY = "the fault hooks are a test profile only; set kv.faults.enabled=true"
            + " to use them (never in production)";

    public FaultProperties {
        failpoints = failpoints == null ? List.of() : List.copyOf(failpoints);
        clockOffset = clockOffset == null ? Duration.ZERO : clockOffset;
        Map<Failpoint, FailpointAction> armed;
        try {
            armed = FailpointSpec.parse(failpoints);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("kv.faults.failpoints: " + e.getMessage());
        }
        if (!enabled && !armed.isEmpty()) {
            throw new IllegalArgumentException("kv.faults.failpoints is set to " + armed
                    + " but kv.faults.enabled is false: " + TEST_ONLY);
        }
        if (!enabled && !clockOffset.isZero()) {
            throw new IllegalArgumentException("kv.faults.clock-offset is " + clockOffset.toMillis()
                    + "ms but kv.faults.enabled is false: " + TEST_ONLY);
        }
    }

    /** The action armed at each failpoint; empty unless enabled. */
    public Map<Failpoint, FailpointAction> armed() {
        return FailpointSpec.parse(failpoints);
    }
}
