package dev.kv.gateway.config;

import dev.kv.core.Limits;
import dev.kv.core.quorum.QuorumSpec;
import dev.kv.core.record.ConflictMode;
import dev.kv.core.write.CoordinatorLease;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;
import java.util.List;

/**
 * The gateway's view of the cluster and its quorum settings.
 *
 * @param seeds              nodes to learn the cluster view from, as {@code host:port} or URLs; the gateway keeps
 *                           no membership of its own and refreshes the view from the nodes' gossip
 * @param nodes              optional bootstrap members as {@code id=http://host:port}, used (and as seeds) until the
 *                           first view arrives
 * @param replicationFactor  N, the number of replicas of every key
 * @param virtualNodes       tokens per node on the ring; must match across the cluster
 * @param conflictMode       {@code vector-clock} or {@code lww}; must match the nodes
 * @param defaultConsistency the preset used when a request names none
 * @param valueMax           the largest value accepted (413 above it)
 * @param replicaTimeout     how long one call to one replica may take before it counts as failed
 * @param viewRefresh        how often the gateway refreshes its cluster view from a node
 * @param readFanout         {@code quorum}: a read asks R replicas (usable ones first) and another for each that
 *                           fails, as Cassandra does; {@code all}: it asks every replica and repairs the ones beyond
 *                           R in the background, as Riak does (DESIGN §4), at N/R times the replica calls
 * @param speculativeRead    with {@code quorum} fan-out, a read still undecided after this long asks one more
 *                           replica, and one more after each further such delay, so a slow replica costs this
 *                           rather than the replica timeout ({@code 0}: never)
 * @param coordinateDeadline how long after the gateway sent a coordinate attempt the coordinator may still apply it
 *                           (checked on the coordinator's clock; a later attempt is refused and not applied)
 * @param maxClockSkew       by how much a node's clock may run behind the gateway's; an unanswered attempt counts as
 *                           settled {@code coordinate-deadline + max-clock-skew} after it was sent, and only then does
 *                           the gateway try the next coordinator (docs/design-notes.md, "One client write, one
 *                           version")
 */
@Validated
@ConfigurationProperties("kv.gateway")
public record GatewayProperties(
        @DefaultValue({}) @NotNull List<String> seeds,
        @DefaultValue({}) @NotNull List<String> nodes,
        @DefaultValue("3") @Min(1) @Max(Limits.REPLICATION_FACTOR_MAX) int replicationFactor,
        @DefaultValue("256") @Min(1) @Max(Limits.VIRTUAL_NODES_MAX) int virtualNodes,
        @DefaultValue("vector-clock") @NotNull String conflictMode,
        @DefaultValue(QuorumSpec.STRONG) @NotNull String defaultConsistency,
        @DefaultValue("1MB") @NotNull DataSize valueMax,
        @DefaultValue("500ms") @NotNull @DurationMin(millis = 1) Duration replicaTimeout,
        @DefaultValue("1s") @NotNull @DurationMin(millis = 1) Duration viewRefresh,
        @DefaultValue(QUORUM_FANOUT) @NotNull String readFanout,
        @DefaultValue("50ms") @NotNull @DurationMin(millis = 0) Duration speculativeRead,
        @DefaultValue("250ms") @NotNull Duration coordinateDeadline,
        @DefaultValue("200ms") @NotNull Duration maxClockSkew) {

    public static final String QUORUM_FANOUT = "quorum";
    public static final String ALL_FANOUT = "all";

    public GatewayProperties {
        if (seeds.isEmpty() && nodes.isEmpty()) {
            throw new IllegalArgumentException("configure kv.gateway.seeds (or kv.gateway.nodes) so the gateway can"
                    + " find the cluster");
        }
        try {
            QuorumSpec.preset(defaultConsistency, replicationFactor);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("kv.gateway.default-consistency: " + e.getMessage());
        }
        try {
            ConflictMode.parse(conflictMode);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("kv.gateway.conflict-mode: " + e.getMessage());
        }
        if (!QUORUM_FANOUT.equals(readFanout) && !ALL_FANOUT.equals(readFanout)) {
            throw new IllegalArgumentException("kv.gateway.read-fanout must be quorum or all, not '" + readFanout
                    + "'");
        }
        if (coordinateDeadline.isNegative() || coordinateDeadline.isZero()
                || coordinateDeadline.compareTo(replicaTimeout) >= 0 || maxClockSkew.isNegative()) {
            throw new IllegalArgumentException("kv.gateway.coordinate-deadline must be positive and shorter than"
                    + " kv.gateway.replica-timeout, and kv.gateway.max-clock-skew not negative");
        }
        if (valueMax.toBytes() < 0 || valueMax.toBytes() > Limits.VALUE_BYTES_HARD_MAX) {
            throw new IllegalArgumentException("kv.gateway.value-max must be at most " + Limits.VALUE_BYTES_HARD_MAX);
        }
    }

    public boolean readsAskEveryReplica() {
        return ALL_FANOUT.equals(readFanout);
    }

    public CoordinatorLease coordinatorLease() {
        return new CoordinatorLease(coordinateDeadline, maxClockSkew);
    }

    public ConflictMode mode() {
        return ConflictMode.parse(conflictMode);
    }
}
