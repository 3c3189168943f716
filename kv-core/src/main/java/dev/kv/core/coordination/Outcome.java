package dev.kv.core.coordination;

import dev.kv.core.contract.ReplicaFailure;
import dev.kv.core.quorum.QuorumOutcome;
import dev.kv.core.record.Record;

/** How a coordinated request ends for its client. */
public sealed interface Outcome {

    /** The write was acknowledged (the coordinator's record), or the read's merge ({@link Record#EMPTY} if none). */
    record Done(Record record) implements Outcome {
    }

    /** Too few replicas answered. */
    record NotReached(QuorumOutcome.Insufficient insufficient) implements Outcome {
    }

    /** A replica refused the request itself (a 4xx): it would be refused anywhere. */
    record Rejected(String node, ReplicaFailure failure) implements Outcome {
    }
}
