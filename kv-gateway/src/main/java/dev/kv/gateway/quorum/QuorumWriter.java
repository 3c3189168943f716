package dev.kv.gateway.quorum;

import dev.kv.core.coordination.WriteCoordination;
import dev.kv.core.quorum.QuorumSpec;
import dev.kv.core.record.Record;
import dev.kv.core.version.WriteIds;
import dev.kv.core.write.CoordinatorLease;
import dev.kv.core.write.WriteAttempts;
import dev.kv.gateway.config.GatewayProperties;
import dev.kv.gateway.replica.CoordinateRequest;
import org.springframework.stereotype.Component;

import java.util.random.RandomGenerator;

/**
 * The write path (DESIGN §3, §4), decided by kv-core's {@link WriteCoordination} and carried out by the
 * {@link CoordinationDriver}.
 *
 * <pre>
 * gateway ──coordinate──▶ first usable replica of the preference list (the next one if it fails or is too slow)
 *         every attempt carries the client write's id and a deadline; after an attempt that may have been applied
 *         the next waits until the first can no longer apply and takes the write's alias dot ({@link WriteAttempts})
 *         ◀── new record ─┘  the coordinator merged the client's context, took a fresh dot, stored
 * gateway ──merge(record)──▶ the other N-1 home replicas in parallel (during a membership change: every replica of the
 *         current and the target placement; acknowledged with W of each, hints counting on the current side only)
 *         every call carries the gateway's topology version; a node holding a newer one refuses and sends it, and
 *         the request is planned again by it
 *         a home replica that is down (gossip, breaker) or fails gets a hint instead: the next live node beyond the
 *         preference list keeps the record for it (counted toward W when sloppy), or, when there is none, a live
 *         home replica keeps it (never counted)
 * answer after W acknowledgements (the coordinator's counts); the rest finish in the background
 * </pre>
 */
@Component
public class QuorumWriter {

    private final ViewRouting view;
    private final CoordinationDriver driver;
    private final CoordinatorLease lease;
    private final long decisionTimeoutMillis;
    /** Not thread-safe: drawn from under its own lock. */
    private final RandomGenerator random;

    QuorumWriter(ViewRouting view, CoordinationDriver driver, GatewayProperties properties, RandomGenerator random) {
        this.view = view;
        this.driver = driver;
        this.lease = properties.coordinatorLease();
        this.decisionTimeoutMillis = properties.replicaTimeout().multipliedBy(2).plusMillis(250).toMillis();
        this.random = random;
    }

    /** Stores the write at W replicas (or stand-ins, when sloppy) and returns the coordinator's record. */
    public Record write(byte[] key, CoordinateRequest request, QuorumSpec spec, String operation) {
        WriteAttempts attempts = new WriteAttempts(lease, nextWriteId());
        return driver.run(new WriteCoordination(key, spec, view, attempts, decisionTimeoutMillis), key, request,
                operation);
    }

    private long nextWriteId() {
        synchronized (random) {
            return WriteIds.next(random);
        }
    }
}
