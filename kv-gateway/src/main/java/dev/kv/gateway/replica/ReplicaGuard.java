package dev.kv.gateway.replica;

import dev.kv.core.contract.FailureKind;
import dev.kv.gateway.config.ResilienceProperties;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedBulkheadMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * A circuit breaker and a bulkhead per node around every replica call (see {@link ResilienceProperties}). Only
 * silence (no connection, a timeout, an unreadable answer) and internal errors (500) count as failures; a node that
 * refuses a request on purpose (a 4xx, hints disabled or full: 503, 507) is healthy, and must not be cut off for it.
 * Metrics are published under resilience4j's names ({@code resilience4j_circuitbreaker_state}, ...), tagged by
 * node.
 */
@Component
public class ReplicaGuard {

    private final CircuitBreakerRegistry breakers;
    private final BulkheadRegistry bulkheads;
    private final boolean breakersEnabled;
    /** Nodes with a call through their open breaker in flight. */
    private final Set<String> probing = ConcurrentHashMap.newKeySet();

    public ReplicaGuard(ResilienceProperties properties, MeterRegistry registry) {
        this.breakersEnabled = properties.circuitBreakerEnabled();
        this.breakers = CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(properties.slidingWindow())
                .minimumNumberOfCalls(properties.minimumCalls())
                .failureRateThreshold(properties.failureRateThreshold())
                .slowCallDurationThreshold(properties.slowCallThreshold())
                .slowCallRateThreshold(properties.slowCallRateThreshold())
                .waitDurationInOpenState(properties.openWait())
                .permittedNumberOfCallsInHalfOpenState(properties.halfOpenCalls())
                .automaticTransitionFromOpenToHalfOpenEnabled(true)
                .build());
        this.bulkheads = BulkheadRegistry.of(BulkheadConfig.custom()
                .maxConcurrentCalls(properties.maxConcurrentCalls())
                .maxWaitDuration(Duration.ZERO)
                .build());
        TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(breakers).bindTo(registry);
        TaggedBulkheadMetrics.ofBulkheadRegistry(bulkheads).bindTo(registry);
    }

    /** Runs the call if the node's bulkhead and breaker allow it; otherwise fails at once, saying why. */
    public <T> CompletableFuture<T> call(String nodeId, Supplier<CompletableFuture<T>> call) {
        Bulkhead bulkhead = bulkheads.bulkhead(nodeId);
        if (!bulkhead.tryAcquirePermission()) {
            return CompletableFuture.failedFuture(new ReplicaException(nodeId, FailureKind.BULKHEAD_FULL, "bulkhead"
                    + " full (" + bulkhead.getBulkheadConfig().getMaxConcurrentCalls() + " calls in flight)", null));
        }
        if (!breakersEnabled) {
            return call.get().whenComplete((answer, failure) -> bulkhead.onComplete());
        }
        CircuitBreaker breaker = breakers.circuitBreaker(nodeId);
        if (!breaker.tryAcquirePermission()) {
            if (breaker.getState() == CircuitBreaker.State.OPEN && probing.add(nodeId)) {
                return probe(nodeId, breaker, bulkhead, call);
            }
            bulkhead.onComplete();
            return CompletableFuture.failedFuture(new ReplicaException(nodeId, FailureKind.CIRCUIT_OPEN,
                    "circuit breaker open", null));
        }
        long start = breaker.getCurrentTimestamp();
        CompletableFuture<T> running;
        try {
            running = call.get();
        } catch (RuntimeException e) {
            bulkhead.onComplete();
            breaker.onError(breaker.getCurrentTimestamp() - start, breaker.getTimestampUnit(), e);
            return CompletableFuture.failedFuture(e);
        }
        return running.whenComplete((answer, failure) -> {
            bulkhead.onComplete();
            long elapsed = breaker.getCurrentTimestamp() - start;
            if (answered(failure)) {
                breaker.onSuccess(elapsed, breaker.getTimestampUnit());
            } else {
                breaker.onError(elapsed, breaker.getTimestampUnit(), cause(failure));
            }
        });
    }

    /**
     * A call through an open breaker: the coordination machines call a node judged down only when the usable ones
     * cannot answer the request, and the node may be back before the breaker's wait is over (a paused process resumed,
     * a partition healed). One such call per node is let through at a time, bounded like any call by the replica
     * timeout; its success closes the breaker.
     */
    private <T> CompletableFuture<T> probe(String nodeId, CircuitBreaker breaker, Bulkhead bulkhead,
                                           Supplier<CompletableFuture<T>> call) {
        CompletableFuture<T> running;
        try {
            running = call.get();
        } catch (RuntimeException e) {
            probing.remove(nodeId);
            bulkhead.onComplete();
            return CompletableFuture.failedFuture(e);
        }
        return running.whenComplete((answer, failure) -> {
            probing.remove(nodeId);
            bulkhead.onComplete();
            if (answered(failure) && breaker.getState() == CircuitBreaker.State.OPEN) {
                breaker.transitionToClosedState();
            }
        });
    }

    /** Whether the node answered: it did, or refused on purpose. */
    private static boolean answered(Throwable failure) {
        return failure == null
                || (cause(failure) instanceof ReplicaException replica && replica.answeredDeliberately());
    }

    private static Throwable cause(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }

    /** Whether calls to the node are let through (breaker closed, or half-open and taking trial calls). */
    public boolean admitsCalls(String nodeId) {
        return breakers.find(nodeId).map(b -> b.getState() == CircuitBreaker.State.CLOSED
                || b.getState() == CircuitBreaker.State.HALF_OPEN).orElse(true);
    }

    /** Closes the node's breaker and forgets its history. */
    public void reset(String nodeId) {
        breakers.find(nodeId).ifPresent(CircuitBreaker::reset);
    }

    public String state(String nodeId) {
        return breakers.find(nodeId).map(b -> b.getState().name().toLowerCase(java.util.Locale.ROOT))
                .orElse("closed");
    }
}
