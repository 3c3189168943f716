package dev.kv.sim;

import dev.kv.core.contract.FailureKind;
import dev.kv.core.contract.ReplicaFailure;
import dev.kv.core.coordination.Action;
import dev.kv.core.coordination.ClusterRouting;
import dev.kv.core.coordination.Coordination;
import dev.kv.core.coordination.Outcome;
import dev.kv.core.coordination.ReadCoordination;
import dev.kv.core.coordination.WriteCoordination;
import dev.kv.core.hints.SloppyPlacement;
import dev.kv.core.membership.ClusterViewMessage;
import dev.kv.core.membership.Liveness;
import dev.kv.core.placement.Topology;
import dev.kv.core.placement.TopologyMessage;
import dev.kv.core.quorum.QuorumSpec;
import dev.kv.core.record.Mutation;
import dev.kv.core.record.Record;
import dev.kv.core.version.WriteIds;
import dev.kv.core.write.CoordinatorLease;
import dev.kv.core.write.WriteAttempts;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A stateless gateway running kv-core's {@link WriteCoordination} and {@link ReadCoordination} over the simulated
 * network, with the replica timeout on every call. Like kv-gateway it asks a node for its view every poll (its
 * topology, and each member as gossip judges it, merged member by member with the reports heard before by
 * {@link ClusterViewMessage.Member#supersedes}), and it stops calling a node for a second after two failed calls in a
 * row (the part of kv-gateway's circuit breaker). A node it has heard nothing of yet counts as usable.
 */
final class SimGateway implements ClusterRouting {

    private static final long DOWN_FOR_MILLIS = 1_000;
    /** How often the gateway asks a node for its topology (kv-gateway's MembershipPoller). */
    private static final long POLL_INTERVAL = 500;

    private final String id;
    private final Simulation world;
    private Topology topology;
    private final Map<String, ClusterViewMessage.Member> members = new HashMap<>();
    private final Map<String, Integer> failuresInARow = new HashMap<>();
    private final Map<String, Long> downUntil = new HashMap<>();
    private final CoordinatorLease lease = new CoordinatorLease(Duration.ofMillis(SimConfig.COORDINATE_DEADLINE),
            Duration.ofMillis(SimConfig.MAX_CLOCK_SKEW));
    private long clockOffset;

    SimGateway(String id, Simulation world) {
        this.id = id;
        this.world = world;
        this.topology = world.firstTopology();
    }

    /** What a node answers a gateway's poll: its topology and its gossip view. */
    private record View(Topology topology, List<ClusterViewMessage.Member> members) {
    }

    /** Polls a random node now and every {@link #POLL_INTERVAL}, adopting a newer topology and fresher reports. */
    void start() {
        List<String> nodes = world.nodeIds();
        SimNode node = world.node(nodes.get(world.random().nextInt(nodes.size())));
        world.network().call(id, node.id(), "view", SimConfig.REPLICA_TIMEOUT,
                () -> new View(node.membership().topology(), node.gossip().report()), () -> true,
                (view, failure) -> {
                    if (failure != null) {
                        return;
                    }
                    if (view.topology() != null && view.topology().supersedes(topology)) {
                        topology = view.topology();
                    }
                    for (ClusterViewMessage.Member heard : view.members()) {
                        members.merge(heard.id(), heard, (known, fresh) -> fresh.supersedes(known) ? fresh : known);
                    }
                });
        world.loop().after(POLL_INTERVAL, this::start);
    }

    String id() {
        return id;
    }

    void clockOffset(long offset) {
        this.clockOffset = offset;
    }

    long millis() {
        return Simulation.EPOCH_MILLIS + world.loop().now() + clockOffset;
    }

    /** A write; {@code ttlMillis > 0} sets the expiry on the coordinator's clock, as kv-node does. */
    void write(String key, Mutation mutation, long ttlMillis, QuorumSpec spec, Consumer<Outcome> done) {
        WriteAttempts attempts = new WriteAttempts(lease, WriteIds.next(world.random()));
        WriteCoordination write = new WriteCoordination(SimNode.bytes(key), spec, this, attempts,
                SimConfig.REPLICA_TIMEOUT * 2 + 250);
        drive(write, key, new Write(mutation, ttlMillis), once(done), write.start(millis()));
    }

    void read(String key, QuorumSpec spec, Consumer<Outcome> done) {
        ReadCoordination read = new ReadCoordination(SimNode.bytes(key), spec, this, new ReadCoordination.Settings(
                world.config().mode().versioning(), SimConfig.REPLICA_TIMEOUT + 250, SimConfig.REPLICA_TIMEOUT + 100,
                false, SimConfig.SPECULATIVE_READ));
        drive(read, key, null, once(done), read.start(millis()));
    }

    /** What a client write asks the coordinator to apply. */
    private record Write(Mutation mutation, long ttlMillis) {

        Mutation at(SimNode coordinator, WriteAttempts.Attempt attempt) {
            Mutation timed = ttlMillis <= 0 ? mutation : new Mutation(mutation.value(), mutation.contentType(),
                    coordinator.millis() + ttlMillis, false, mutation.context(), mutation.writeId(), false);
            return timed.asWrite(attempt.writeId(), attempt.reattempt());
        }
    }

    /** The client is answered once; the coordination goes on in the background (late repairs, hints). */
    private static Consumer<Outcome> once(Consumer<Outcome> client) {
        boolean[] answered = {false};
        return outcome -> {
            if (!answered[0]) {
                answered[0] = true;
                client.accept(outcome);
            }
        };
    }

    /** Carries out the actions, and answers the client when the outcome is known. */
    private void drive(Coordination coordination, String key, Write write, Consumer<Outcome> done,
                       List<Action> actions) {
        for (Action action : actions) {
            switch (action) {
                case Action.Call call -> send(coordination, key, write, done, call);
                case Action.WakeAt wake -> world.loop().at(wake.atMillis() - clockOffset - Simulation.EPOCH_MILLIS,
                        () -> drive(coordination, key, write, done, coordination.tick(millis())));
                case Action.Replanned replanned -> { }
            }
        }
        if (coordination.outcome() != null) {
            done.accept(coordination.outcome());
        }
    }

    private void send(Coordination coordination, String key, Write write, Consumer<Outcome> done,
                      Action.Call call) {
        SimNode node = world.node(call.node());
        java.util.function.Supplier<Record> handler = switch (call) {
            case Action.Coordinate coordinate -> () -> node.coordinate(key, write.at(node, coordinate.attempt()),
                    coordinate.attempt().deadlineMillis(), coordinate.topology());
            case Action.Store store when store.purpose() != Action.Purpose.COPY
                    && world.config().has(Bug.VALUE_ONLY_READ_REPAIR) -> () -> valueOnlyRepair(node, key, store);
            case Action.Store store -> () -> {
                node.merge(key, store.record(), store.purpose() == Action.Purpose.COPY ? store.topology() : null);
                return null;
            };
            case Action.StoreHint hint -> () -> {
                node.storeHint(hint.target(), key, hint.record());
                return null;
            };
            case Action.Read read -> () -> node.read(key, read.topology());
        };
        world.network().call(id, node.id(), Reports.lazy(() -> label(call, key)), SimConfig.REPLICA_TIMEOUT, handler,
                () -> true,
                (answer, failure) -> {
                    judge(call.node(), failure);
                    drive(coordination, key, write, done, failure == null
                            ? coordination.succeeded(call.id(), answer, millis())
                            : coordination.failed(call.id(), failure, millis()));
                });
    }

    /** {@link Bug#VALUE_ONLY_READ_REPAIR}: the merged value written as a new version on the replica's own clock. */
    private Record valueOnlyRepair(SimNode node, String key, Action.Store store) {
        var live = store.record().liveSiblings(node.millis());
        if (!live.isEmpty()) {
            var first = live.getFirst();
            node.coordinate(key, Mutation.put(first.value(), first.contentType(), first.expiresAtMillis(), null),
                    Long.MAX_VALUE, null);
        }
        return null;
    }

    private static String label(Action.Call call, String key) {
        return switch (call) {
            case Action.Coordinate c -> "coordinate " + key + " w" + WriteIds.format(c.attempt().writeId())
                    .substring(0, 6) + (c.attempt().reattempt() ? " re-attempt" : "");
            case Action.Store s -> s.purpose().name().toLowerCase() + " " + key + " " + Reports.compact(s.record());
            case Action.StoreHint h -> "hint " + key + " for " + h.target();
            case Action.Read r -> "read " + key;
        };
    }

    private void judge(String node, ReplicaFailure failure) {
        if (failure == null) {
            failuresInARow.remove(node);
            downUntil.remove(node);
        } else if (failure.kind() == FailureKind.TIMEOUT || failure.kind() == FailureKind.UNREACHABLE) {
            if (failuresInARow.merge(node, 1, Integer::sum) >= 2) {
                downUntil.put(node, world.loop().now() + DOWN_FOR_MILLIS);
            }
        }
    }

    // ---- what the gateway knows of the cluster

    @Override
    public Route route(byte[] key) {
        return new Route(topology.placement(key), topology.version().toString());
    }

    @Override
    public boolean isUsable(String node) {
        ClusterViewMessage.Member member = members.get(node);
        return (member == null || member.judgedLiveness() != Liveness.DOWN)
                && world.loop().now() >= downUntil.getOrDefault(node, Long.MIN_VALUE);
    }

    @Override
    public boolean isAddressable(String node) {
        return true;
    }

    @Override
    public SloppyPlacement.Placement hintHolder(byte[] key, String replica, Set<String> excluded) {
        return SloppyPlacement.placements(topology.currentRing(), key, SimConfig.REPLICATION_FACTOR,
                node -> !node.equals(replica) && !excluded.contains(node) && isUsable(node)).get(replica);
    }

    @Override
    public boolean adopt(TopologyMessage newer, String routedWith) {
        Topology incoming = newer.toTopology(SimConfig.VIRTUAL_NODES, SimConfig.REPLICATION_FACTOR);
        if (incoming.supersedes(topology)) {
            topology = incoming;
        }
        return !topology.version().toString().equals(routedWith);
    }
}
