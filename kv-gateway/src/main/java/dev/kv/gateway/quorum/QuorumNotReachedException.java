package dev.kv.gateway.quorum;

import dev.kv.core.quorum.QuorumOutcome;

/** Too few replicas answered in time; carries the counts for the 503 problem. */
public class QuorumNotReachedException extends RuntimeException {

    private final QuorumOutcome.Insufficient outcome;

    public QuorumNotReachedException(String operation, QuorumOutcome.Insufficient outcome) {
        super(outcome.describe(operation));
        this.outcome = outcome;
    }

    public QuorumOutcome.Insufficient outcome() {
        return outcome;
    }
}
