package dev.kv.gateway.config;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;

/**
 * Per-node circuit breaker and bulkhead of the gateway (resilience4j). A node whose calls fail or are slow opens its
 * breaker: calls to it then fail at once (reads are answered by the others, writes leave hints) instead of waiting
 * for timeouts; after {@code openWait} a few trial calls decide whether it closes again. The bulkhead caps calls in
 * flight to one node, so a paused node cannot pile up the gateway's connections and memory.
 *
 * @param circuitBreakerEnabled whether breakers are used at all (tests of single requests switch them off)
 * @param failureRateThreshold percentage of failed calls that opens the breaker (above 0, at most 100)
 * @param slowCallThreshold    a call slower than this counts as slow; above the replica timeout by default, so only
 *                             failures and timeouts open a breaker (a busy node that still answers stays in use)
 * @param slowCallRateThreshold percentage of slow calls that opens the breaker (above 0, at most 100)
 * @param slidingWindow        calls the rates are computed over
 * @param minimumCalls         calls needed before the rates are judged
 * @param openWait             how long an open breaker rejects calls before trying again
 * @param halfOpenCalls        trial calls in the half-open state
 * @param maxConcurrentCalls   bulkhead: calls in flight per node
 */
@Validated
@ConfigurationProperties("kv.gateway.resilience")
public record ResilienceProperties(
        @DefaultValue("true") boolean circuitBreakerEnabled,
        @DefaultValue("50") @DecimalMin(value = "0", inclusive = false) @DecimalMax("100") float failureRateThreshold,
        @DefaultValue("1s") @NotNull @DurationMin(millis = 1) Duration slowCallThreshold,
        @DefaultValue("80") @DecimalMin(value = "0", inclusive = false) @DecimalMax("100") float slowCallRateThreshold,
        @DefaultValue("20") @Min(1) int slidingWindow,
        @DefaultValue("5") @Min(1) int minimumCalls,
        @DefaultValue("2s") @NotNull @DurationMin(millis = 1) Duration openWait,
        @DefaultValue("2") @Min(1) int halfOpenCalls,
        @DefaultValue("256") @Min(1) int maxConcurrentCalls) {
}
