package dev.kv.gateway.quorum;

import dev.kv.core.quorum.QuorumOutcome;
import dev.kv.core.quorum.QuorumSpec;
import dev.kv.core.quorum.ReadResolution;
import dev.kv.core.record.Record;
import dev.kv.core.record.Versioning;
import dev.kv.gateway.config.GatewayProperties;
import dev.kv.gateway.repair.ReadRepairer;
import dev.kv.gateway.replica.ReplicaClient;
import dev.kv.gateway.routing.ClusterView;
import dev.kv.gateway.routing.NodeAddress;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The read path (DESIGN §4).
 *
 * <pre>
 * gateway ──read──▶ all N replicas in parallel
 * after R answers: merge them; write the merge back to those of the R that differ, then answer (so a later quorum
 * read cannot see an older value: monotonic reads); replicas that answer later are compared and repaired in the
 * background
 * </pre>
 */
@Component
public class QuorumReader {

    private final ClusterView view;
    private final ReplicaClient client;
    private final ReadRepairer repairer;
    private final Versioning versioning;
    private final Duration decisionTimeout;

    QuorumReader(ClusterView view, ReplicaClient client, ReadRepairer repairer, GatewayProperties properties) {
        this.view = view;
        this.client = client;
        this.repairer = repairer;
        this.versioning = properties.mode().versioning();
        this.decisionTimeout = properties.replicaTimeout().plusMillis(250);
    }

    /** The merge of R replicas' records for the key ({@link Record#EMPTY} when none has it). */
    public Record read(byte[] key, QuorumSpec spec) {
        List<NodeAddress> replicas = view.preferenceList(key);
        FanOut<Record> fanOut = new FanOut<>(spec.r(), replicas.size());
        Map<NodeAddress, CompletableFuture<Record>> calls = new LinkedHashMap<>();
        for (NodeAddress replica : replicas) {
            CompletableFuture<Record> call = client.read(replica, key);
            calls.put(replica, call);
            fanOut.track(replica.id(), call);
        }
        if (fanOut.await(decisionTimeout) instanceof QuorumOutcome.Insufficient insufficient) {
            throw new QuorumNotReachedException("read", insufficient);
        }
        Map<String, Record> answered = fanOut.answers();
        ReadResolution resolution = ReadResolution.resolve(versioning, answered);
        repairer.repairBlocking(key, resolution, replicas);
        calls.forEach((replica, call) -> {
            if (!answered.containsKey(replica.id())) {
                call.thenAccept(late -> repairer.repairLate(key, resolution, late, replica, answered.keySet(),
                        replicas));
            }
        });
        return resolution.resolved();
    }
}
