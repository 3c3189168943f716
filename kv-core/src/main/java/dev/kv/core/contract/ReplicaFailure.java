package dev.kv.core.contract;

import dev.kv.core.placement.TopologyMessage;

/**
 * A failed replica call as the coordination state machines see it.
 *
 * @param kind          why it failed
 * @param reason        for operators: {@code timeout after 500 ms}, {@code HTTP 503 ...}
 * @param newerTopology the replica's newer topology when it refused a request routed with an older one, else null
 */
public record ReplicaFailure(FailureKind kind, String reason, TopologyMessage newerTopology) {

    public static ReplicaFailure of(FailureKind kind, String reason) {
        return new ReplicaFailure(kind, reason, null);
    }

    public boolean isFenced() {
        return kind == FailureKind.FENCED;
    }
}
