package dev.kv.node.replica;

import dev.kv.core.codec.CorruptDataException;
import dev.kv.core.key.InvalidKeyException;
import dev.kv.core.quorum.InvalidParameterException;
import dev.kv.core.record.TooManySiblingsException;
import dev.kv.core.replica.DeadlinePassedException;
import dev.kv.node.storage.StorageException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The one mapping of a replica call's failures to the problem it is answered with, whether the call came on its own
 * ({@link NodeErrorHandler}) or in a batch ({@link ReplicaBatchHandler}): bad input is the caller's 400, too many
 * siblings a 409, a coordinate attempt past its deadline a typed 503 (not applied), a storage failure a 503.
 */
@Component
class ReplicaFailures {

    /** How a failure is answered; a null {@code kind} is type {@code about:blank}, else {@link #TYPE_PREFIX} + kind. */
    record Problem(int status, String kind, String title, String detail) {
    }

    static final String TYPE_PREFIX = "https://kv.dev/problems/";

    private static final Logger log = LoggerFactory.getLogger(ReplicaFailures.class);

    private final Counter refusedLate;

    ReplicaFailures(MeterRegistry registry) {
        this.refusedLate = Counter.builder("kv.node.coordinate.refused").tag("reason", "deadline")
                .description("coordinate attempts refused, not applied, because their deadline had passed")
                .register(registry);
    }

    /** The problem for a failure of the data path; null for anything else (an internal error). */
    Problem problem(RuntimeException failure) {
        return switch (failure) {
            case CorruptDataException e -> new Problem(400, null, "Bad Request", e.getMessage());
            case InvalidKeyException e -> new Problem(400, null, "Bad Request", e.getMessage());
            case InvalidParameterException e -> new Problem(400, null, "Bad Request", e.getMessage());
            case TooManySiblingsException e -> new Problem(409, null, "Conflict", e.getMessage());
            case DeadlinePassedException e -> {
                refusedLate.increment();
                yield new Problem(503, "deadline-passed", "Service Unavailable", e.getMessage());
            }
            case StorageException e -> {
                log.error("storage failure", e);
                yield new Problem(503, null, "Service Unavailable", "storage failure: " + e.getMessage());
            }
            default -> null;
        };
    }
}
