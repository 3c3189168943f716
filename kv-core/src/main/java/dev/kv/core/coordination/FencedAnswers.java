package dev.kv.core.coordination;

import dev.kv.core.contract.ReplicaFailure;
import dev.kv.core.placement.TopologyMessage;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The refusals of one fan-out by replicas whose topology differs from the routing's: a newer one they sent along
 * (plan again by it), or theirs is behind (give them a moment to catch up).
 */
final class FencedAnswers {

    private final List<ReplicaFailure> fenced = new ArrayList<>();

    void add(ReplicaFailure failure) {
        fenced.add(failure);
    }

    /** The first newer topology a replica answered with, if any. */
    Optional<TopologyMessage> newer() {
        return fenced.stream().map(ReplicaFailure::newerTopology).filter(Objects::nonNull).findFirst();
    }

    /** Whether a replica refused because its own topology is older than the routing's (it is catching up). */
    boolean anyBehind() {
        return fenced.stream().anyMatch(f -> f.newerTopology() == null);
    }
}
