package dev.kv.gateway.config;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * Per-node circuit breaker and bulkhead of the gateway (resilience4j). A node whose calls fail or are slow opens its
 * breaker: calls to it then fail at once (reads are answered by the others, writes leave hints) instead of waiting
 * for timeouts; after {@code openWait} a few trial calls decide whether it closes again. The bulkhead caps calls in
 * flight to one node, so a paused node cannot pile up the gateway's connections and memory.
 *
 * @param circuitBreakerEnabled whether breakers are used at all (tests of single requests switch them off)
 * @param failureRateThreshold percentage of failed calls that opens the breaker
 * @param slowCallThreshold    a call slower than this counts as slow; above the replica timeout by default, so only
 *                             failures and timeouts open a breaker (a busy node that still answers stays in use)
 * @param slowCallRateThreshold percentage of slow calls that opens the breaker
 * @param slidingWindow        calls the rates are computed over
 * @param minimumCalls         calls needed before the rates are judged
 * @param openWait             how long an open breaker rejects calls before trying again
 * @param halfOpenCalls        trial calls in the half-open state
 * @param maxConcurrentCalls   bulkhead: calls in flight per node
 */
@ConfigurationProperties("kv.gateway.resilience")
public record ResilienceProperties(
        @DefaultValue("true") boolean circuitBreakerEnabled,
        @DefaultValue("50") float failureRateThreshold,
        @DefaultValue("1s") Duration slowCallThreshold,
        @DefaultValue("80") float slowCallRateThreshold,
        @DefaultValue("20") int slidingWindow,
        @DefaultValue("5") int minimumCalls,
        @DefaultValue("2s") Duration openWait,
        @DefaultValue("2") int halfOpenCalls,
        @DefaultValue("256") int maxConcurrentCalls) {
}
