package dev.kv.gateway.config;

import dev.kv.core.Limits;
import dev.kv.core.quorum.QuorumSpec;
import dev.kv.core.record.ConflictMode;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;
import java.util.List;

/**
 * The gateway's view of the cluster and its quorum settings.
 *
 * @param nodes              the storage nodes as {@code id=http://host:port}
 * @param replicationFactor  N, the number of replicas of every key
 * @param virtualNodes       tokens per node on the ring; must match across the cluster
 * @param conflictMode       {@code vector-clock} or {@code lww}; must match the nodes
 * @param defaultConsistency the preset used when a request names none
 * @param valueMax           the largest value accepted (413 above it)
 * @param replicaTimeout     how long one call to one replica may take before it counts as failed
 * @param probeInterval      how often the gateway checks each node's health for the cluster view
 */
@Validated
@ConfigurationProperties("kv.gateway")
public record GatewayProperties(
        @NotEmpty List<String> nodes,
        @DefaultValue("3") @Min(1) @Max(Limits.REPLICATION_FACTOR_MAX) int replicationFactor,
        @DefaultValue("256") @Min(1) @Max(Limits.VIRTUAL_NODES_MAX) int virtualNodes,
        @DefaultValue("vector-clock") String conflictMode,
        @DefaultValue(QuorumSpec.STRONG) String defaultConsistency,
        @DefaultValue("1MB") DataSize valueMax,
        @DefaultValue("500ms") Duration replicaTimeout,
        @DefaultValue("1s") Duration probeInterval) {

    public GatewayProperties {
        QuorumSpec.preset(defaultConsistency, replicationFactor);
        ConflictMode.parse(conflictMode);
        if (valueMax.toBytes() < 0 || valueMax.toBytes() > Limits.VALUE_BYTES_HARD_MAX) {
            throw new IllegalArgumentException("kv.gateway.value-max must be at most " + Limits.VALUE_BYTES_HARD_MAX);
        }
    }

    public ConflictMode mode() {
        return ConflictMode.parse(conflictMode);
    }
}
