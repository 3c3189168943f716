package dev.kv.gateway.quorum;

import dev.kv.core.codec.RecordCodec;
import dev.kv.core.quorum.QuorumOutcome;
import dev.kv.core.quorum.QuorumSpec;
import dev.kv.core.record.Record;
import dev.kv.gateway.config.GatewayProperties;
import dev.kv.gateway.replica.CoordinateRequest;
import dev.kv.gateway.replica.ReplicaClient;
import dev.kv.gateway.replica.ReplicaException;
import dev.kv.gateway.routing.ClusterView;
import dev.kv.gateway.routing.NodeAddress;
import dev.kv.gateway.routing.NodeHealthProbe;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;

/**
 * The write path (DESIGN §3, §4).
 *
 * <pre>
 * gateway ──coordinate──▶ first replica of the preference list (the next one if it fails or is too slow)
 *         ◀── new record ─┘  the coordinator merged the client's context, took a fresh dot, stored
 * gateway ──merge(record)──▶ the other N-1 replicas in parallel
 * answer after W acknowledgements (the coordinator's counts); the remaining merges finish in the background
 * </pre>
 */
@Component
public class QuorumWriter {

    private final ClusterView view;
    private final ReplicaClient client;
    private final NodeHealthProbe health;
    private final Duration decisionTimeout;

    QuorumWriter(ClusterView view, ReplicaClient client, NodeHealthProbe health, GatewayProperties properties) {
        this.view = view;
        this.client = client;
        this.health = health;
        this.decisionTimeout = properties.replicaTimeout().plusMillis(250);
    }

    /** Stores the write at W replicas and returns the coordinator's record. */
    public Record write(byte[] key, CoordinateRequest request, QuorumSpec spec, String operation) {
        List<NodeAddress> replicas = view.preferenceList(key);
        List<String> coordinatorFailures = new ArrayList<>();
        Record written = null;
        NodeAddress coordinator = null;
        for (NodeAddress candidate : health.aliveFirst(replicas)) {
            try {
                written = client.coordinate(candidate, key, request).join();
                coordinator = candidate;
                break;
            } catch (CompletionException e) {
                ReplicaException failure = unwrap(e);
                if (failure.isClientError()) {
                    throw new ReplicaRejectedException(failure);
                }
                coordinatorFailures.add(failure.describe());
            }
        }
        if (coordinator == null) {
            throw new QuorumNotReachedException(operation,
                    new QuorumOutcome.Insufficient(0, spec.w(), replicas.size(), coordinatorFailures));
        }
        byte[] encoded = RecordCodec.encode(written);
        FanOut<Void> fanOut = new FanOut<>(spec.w(), replicas.size());
        fanOut.success(coordinator.id(), null);
        for (NodeAddress replica : replicas) {
            if (!replica.equals(coordinator)) {
                fanOut.track(replica.id(), client.merge(replica, key, encoded));
            }
        }
        if (fanOut.await(decisionTimeout) instanceof QuorumOutcome.Insufficient insufficient) {
            throw new QuorumNotReachedException(operation, insufficient);
        }
        return written;
    }

    static ReplicaException unwrap(CompletionException e) {
        return e.getCause() instanceof ReplicaException replica ? replica
                : new ReplicaException("?", 0, String.valueOf(e.getCause()), e.getCause());
    }
}
