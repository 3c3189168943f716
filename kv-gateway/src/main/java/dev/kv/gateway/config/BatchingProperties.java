package dev.kv.gateway.config;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How the gateway sends replica calls (reads, merges, coordinate attempts) to a node (issue 13). With batching, the
 * calls of concurrent client requests to one node travel together in one {@code POST /internal/v1/batch}: at most
 * {@code maxInFlight} exchanges with a node are out at once, and the calls made meanwhile wait and go in the next.
 * A call waits only while that many exchanges are out, so a lone request is sent at once and load alone makes
 * batches; each call keeps its own answer.
 *
 * @param enabled     batching on; off, every call is its own request on the per-call endpoints (nodes from before
 *                    issue 13, tests that stub the per-call API)
 * @param maxInFlight exchanges with one node at once
 * @param maxCalls    calls in one batch at most (a batch also closes at 1 MiB unless its one call is larger)
 */
@Validated
@ConfigurationProperties("kv.gateway.batching")
public record BatchingProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("1") @Min(1) @Max(256) int maxInFlight,
        @DefaultValue("64") @Min(1) @Max(1024) int maxCalls) {
}
