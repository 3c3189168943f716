package dev.kv.node.membership;

import jakarta.validation.constraints.NotNull;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;
import java.util.List;

/**
 * Membership changes (issue 12).
 *
 * @param initialMembers the node ids that form the first ring together (a node listed here with no stored topology
 *                       starts as normal); every other node started with seeds joins by itself. A node with neither
 *                       seeds nor initial members runs alone.
 * @param quarantine     how long gossip keeps the state of a member that left or was removed before forgetting it;
 *                       an older state of it heard later is ignored, so stale gossip cannot bring it back
 * @param driveInterval  how often a node checks whether to join, and whether the change under way is complete
 * @param autoCleanup    drop the ranges this node no longer replicates as soon as a change completes; off, only
 *                       {@code POST /admin/v1/cleanup} does (as Cassandra's {@code nodetool cleanup}): the disk holds
 *                       the old ranges until then, and a range taken over again later is cleared before it is used
 */
@Validated
@ConfigurationProperties("kv.membership")
public record MembershipProperties(
        @DefaultValue({}) @NotNull List<String> initialMembers,
        @DefaultValue("1h") @NotNull @DurationMin(millis = 0) Duration quarantine,
        @DefaultValue("1s") @NotNull @DurationMin(millis = 1) Duration driveInterval,
        @DefaultValue("true") boolean autoCleanup) {
}
