package dev.kv.gateway.repair;

import dev.kv.core.codec.RecordCodec;
import dev.kv.core.quorum.ReadResolution;
import dev.kv.core.record.Record;
import dev.kv.core.record.Versioning;
import dev.kv.gateway.config.GatewayProperties;
import dev.kv.gateway.replica.ReplicaClient;
import dev.kv.gateway.routing.NodeAddress;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Read repair: sends the merged record to replicas whose answer lacked part of it. Among the R answers a read waits
 * for, repair is blocking (the read answers only after the stale replicas took the merge, or the repair timed out);
 * answers that arrive after the read was decided are repaired in the background. A late answer that knows more than
 * the merge is merged in and the result sent to everyone who lacks it.
 */
@Component
public class ReadRepairer {

    private final ReplicaClient client;
    private final Versioning versioning;
    private final Duration timeout;
    private final MeterRegistry registry;

    ReadRepairer(ReplicaClient client, GatewayProperties properties, MeterRegistry registry) {
        this.client = client;
        this.versioning = properties.mode().versioning();
        this.timeout = properties.replicaTimeout();
        this.registry = registry;
    }

    public void repairBlocking(byte[] key, ReadResolution resolution, List<NodeAddress> replicas) {
        if (resolution.staleReplicas().isEmpty() || resolution.resolved().isEmpty()) {
            return;
        }
        byte[] encoded = RecordCodec.encode(resolution.resolved());
        List<CompletableFuture<Void>> repairs = new ArrayList<>();
        for (NodeAddress replica : replicas) {
            if (resolution.staleReplicas().contains(replica.id())) {
                repairs.add(send(replica, key, encoded, "blocking"));
            }
        }
        try {
            CompletableFuture.allOf(repairs.toArray(CompletableFuture[]::new))
                    .get(timeout.toMillis() + 100, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            // Counted per replica in send(); the read still answers with the merged record.
        }
    }

    public void repairLate(byte[] key, ReadResolution resolution, Record late, NodeAddress lateReplica,
                           Collection<String> answeredIds, List<NodeAddress> replicas) {
        Record merged = versioning.merge(resolution.resolved(), late);
        if (merged.isEmpty()) {
            return;
        }
        byte[] encoded = RecordCodec.encode(merged);
        if (!late.sameVersionAs(merged)) {
            send(lateReplica, key, encoded, "background");
        }
        if (!resolution.resolved().sameVersionAs(merged)) {
            for (NodeAddress replica : replicas) {
                if (answeredIds.contains(replica.id())) {
                    send(replica, key, encoded, "background");
                }
            }
        }
    }

    private CompletableFuture<Void> send(NodeAddress replica, byte[] key, byte[] encoded, String mode) {
        return client.merge(replica, key, encoded).whenComplete((ok, failure) -> counter(mode,
                failure == null ? "ok" : "failed").increment());
    }

    private Counter counter(String mode, String outcome) {
        return Counter.builder("kv.read.repairs").description("records written back to stale replicas by reads")
                .tag("mode", mode).tag("outcome", outcome).register(registry);
    }
}
