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
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * The read path (DESIGN §4).
 *
 * <pre>
 * gateway ──read──▶ R replicas in parallel, usable ones first; one more for each that fails (read-fanout=quorum)
 *                   or all N at once (read-fanout=all)
 * after R answers: merge them; write the merge back to those of the R that differ, then answer (so a later quorum
 * read cannot see an older value: monotonic reads); replicas that answer later are compared and repaired in the
 * background
 * </pre>
 *
 * Asking only R saves N-R of every N replica calls (a third of a strong read's, two thirds of an eventual one's), the
 * cost that decides throughput here; replicas not asked are kept current by hints and anti-entropy instead.
 */
@Component
public class QuorumReader {

    private final ClusterView view;
    private final ReplicaClient client;
    private final ReadRepairer repairer;
    private final Versioning versioning;
    private final Duration decisionTimeout;
    private final boolean askAll;
    private final long speculateAfterMillis;
    private static final int MAX_REPLANS = 3;

    QuorumReader(ClusterView view, ReplicaClient client, ReadRepairer repairer, GatewayProperties properties) {
        this.view = view;
        this.client = client;
        this.repairer = repairer;
        this.versioning = properties.mode().versioning();
        this.decisionTimeout = properties.replicaTimeout().plusMillis(250);
        this.askAll = properties.readsAskEveryReplica();
        this.speculateAfterMillis = properties.speculativeRead().toMillis();
    }

    /** The merge of R replicas' records for the key ({@link Record#EMPTY} when none has it). */
    public Record read(byte[] key, QuorumSpec spec) {
        for (int replans = 0; ; replans++) {
            ClusterView.Routing routing = view.routing(key);
            List<NodeAddress> replicas = routing.current();
            List<NodeAddress> ordered = askAll ? replicas : view.usableFirst(replicas);
            int first = askAll ? ordered.size() : Math.min(spec.r(), ordered.size());
            FanOut<Record> fanOut = new FanOut<>(spec.r(), ordered.size());
            Map<NodeAddress, CompletableFuture<Record>> calls = new ConcurrentHashMap<>();
            Queue<NodeAddress> spares = new ConcurrentLinkedQueue<>(ordered.subList(first, ordered.size()));
            for (NodeAddress replica : ordered.subList(0, first)) {
                ask(replica, key, routing.topology(), fanOut, calls, spares);
            }
            if (!spares.isEmpty() && speculateAfterMillis > 0) {
                // Speculative retry (as Cassandra's): a replica that is slow but not failed yet should cost this
                // much, not the replica timeout.
                CompletableFuture.delayedExecutor(speculateAfterMillis, TimeUnit.MILLISECONDS).execute(() -> {
                    NodeAddress next = fanOut.isDecided() ? null : spares.poll();
                    if (next != null) {
                        ask(next, key, routing.topology(), fanOut, calls, spares);
                    }
                });
            }
            if (fanOut.await(decisionTimeout) instanceof QuorumOutcome.Insufficient insufficient) {
                // Replicas that hold a newer topology refused: read again where that topology says the key lives.
                var newer = fanOut.newerTopology();
                if (replans < MAX_REPLANS && newer.isPresent() && view.adopt(newer.get(), routing.topology())) {
                    continue;
                }
                if (replans < MAX_REPLANS && fanOut.anyBehind()) {
                    pause(QuorumWriter.BEHIND_PAUSE_MILLIS);
                    continue;
                }
                throw new QuorumNotReachedException("read", insufficient);
            }
            // R replicas answered with this routing's topology, so none of them has seen a write acknowledged by a
            // newer one; a refusal from another replica only updates the view for the next request.
            fanOut.newerTopology().ifPresent(newer -> view.adopt(newer, routing.topology()));
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

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for replicas to catch up", e);
        }
    }

    /** Calls one replica; if it fails, the next spare replica is asked in its place. */
    private void ask(NodeAddress replica, byte[] key, String topology, FanOut<Record> fanOut,
                     Map<NodeAddress, CompletableFuture<Record>> calls, Queue<NodeAddress> spares) {
        CompletableFuture<Record> call = client.read(replica, key, topology);
        calls.put(replica, call);
        fanOut.track(replica.id(), call);
        call.whenComplete((record, failure) -> {
            NodeAddress next = failure == null ? null : spares.poll();
            if (next != null) {
                ask(next, key, topology, fanOut, calls, spares);
            }
        });
    }
}
