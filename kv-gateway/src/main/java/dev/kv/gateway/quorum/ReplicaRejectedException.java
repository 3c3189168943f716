package dev.kv.gateway.quorum;

import dev.kv.gateway.replica.ReplicaException;

/**
 * The coordinator refused the write for a reason that another replica would repeat (a 4xx: too many siblings, a
 * malformed context): the client must hear it rather than see a failover.
 */
public class ReplicaRejectedException extends RuntimeException {

    private final int status;

    public ReplicaRejectedException(ReplicaException cause) {
        super(cause.getMessage().replaceFirst("^HTTP \\d+ \\((.*)\\)$", "$1"), cause);
        this.status = cause.status();
    }

    public int status() {
        return status;
    }
}
