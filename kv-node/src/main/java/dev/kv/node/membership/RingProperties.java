package dev.kv.node.membership;

import dev.kv.core.Limits;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The shape of the ring a node forms when it starts one ({@link TopologyService}); a stored or gossiped topology
 * carries its own. Both must match the gateways' {@code kv.gateway.virtual-nodes} and
 * {@code kv.gateway.replication-factor}.
 *
 * @param virtualNodes      tokens per node on the ring
 * @param replicationFactor N, the number of replicas of every key
 */
@Validated
@ConfigurationProperties("kv.ring")
public record RingProperties(
        @DefaultValue("256") @Min(1) @Max(Limits.VIRTUAL_NODES_MAX) int virtualNodes,
        @DefaultValue("3") @Min(1) @Max(Limits.REPLICATION_FACTOR_MAX) int replicationFactor) {
}
