package dev.kv.sim;

import dev.kv.core.merkle.RecordDigest;
import dev.kv.core.placement.MemberState;
import dev.kv.core.placement.Topology;
import dev.kv.core.record.Record;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * One schedule: a cluster of simulated nodes and gateways, clients running the workload while faults are injected,
 * then every fault healed, the cluster left to converge, and the checkers run. Everything happens on the calling
 * thread in simulated time, drawn from one seed.
 *
 * <pre>
 * 0 ms ──clients and faults──▶ workload done ──heal──▶ hints delivered, tombstones purged, 2 anti-entropy cycles
 *      ──▶ every replica of every key equal? ──one more cycle──▶ nothing left to repair? ──▶ checkers
 * </pre>
 */
final class Simulation {

    /** Where simulated time starts on the nodes' and gateways' clocks (2025-06-15). */
    static final long EPOCH_MILLIS = 1_750_000_000_000L;
    private static final long WORKLOAD_LIMIT = 120_000;
    private static final long CONVERGENCE_LIMIT = 60_000;

    private final SimConfig config;
    private final EventLoop loop = new EventLoop();
    private final SplittableRandom random;
    private final Trace trace;
    private final SimNetwork network;
    private final Map<String, SimNode> nodes = new LinkedHashMap<>();
    private final List<SimGateway> gateways = new ArrayList<>();
    private final History history = new History();
    private final Invariants invariants;
    private final Stats stats = new Stats();
    private final List<String> initialMembers = new ArrayList<>();
    private final Topology firstTopology;
    private final Faults faults;
    /** The member an operator decommissions in this schedule; null without one. */
    private String decommissioned;
    /** The member that dies for good and is removed in this schedule; null without one. */
    private String removed;

    Simulation(SimConfig config, int traceLines) {
        this.config = config;
        this.random = new SplittableRandom(config.seed());
        this.trace = new Trace(loop, traceLines);
        this.network = new SimNetwork(loop, random.split(), trace);
        this.invariants = new Invariants(trace);
        for (int i = 1; i <= config.nodes(); i++) {
            initialMembers.add("n" + i);
        }
        this.firstTopology = Topology.of(initialMembers, SimConfig.VIRTUAL_NODES, SimConfig.REPLICATION_FACTOR);
        initialMembers.forEach(id -> nodes.put(id, new SimNode(id, this)));
        if (config.change() == SimConfig.Change.JOIN) {
            String spare = "n" + (config.nodes() + 1);
            nodes.put(spare, new SimNode(spare, this));
        }
        for (int i = 1; i <= config.gateways(); i++) {
            gateways.add(new SimGateway("g" + i, this));
        }
        network.running(endpoint -> !nodes.containsKey(endpoint) || nodes.get(endpoint).running());
        this.faults = new Faults(this);
    }

    RunResult run() {
        initialMembers.forEach(id -> nodes.get(id).start());
        gateways.forEach(SimGateway::start);
        network.conditions(random.nextDouble() * 0.02, random.nextDouble() * 0.02, 1, 2 + random.nextLong(8));
        Workload workload = new Workload(this, config.operations());
        workload.start(config.clients());
        long horizon = (long) config.operations() * 25 / config.clients();
        faults.schedule(config.faults(), horizon);
        scheduleMembershipChange(horizon);
        boolean finished = loop.runUntil(workload::done, WORKLOAD_LIMIT);
        if (!finished) {
            invariants.violate("liveness: the workload did not finish within " + WORKLOAD_LIMIT + " ms");
        }
        faults.healAll();
        converge();
        Checkers.Findings findings = new Checkers(history, config.mode(), faults.firstDataLossAt(), 2_000)
                .check(finalValues(EPOCH_MILLIS + loop.now()), loop.now());
        List<String> violations = new ArrayList<>(invariants.violations());
        violations.addAll(findings.violations());
        return new RunResult(config, violations, loop.now(), loop.executed(), network.sent(),
                history.count(History.Status.OK), history.count(History.Status.FAILED),
                history.count(History.Status.UNKNOWN), faults.injected(), stats.repairedKeys(), findings,
                violations.isEmpty() ? List.of() : trace.lines(null));
    }

    /**
     * The schedule's membership change at a random moment of the run: the spare node is started (it joins by itself,
     * as a kv-node started with seeds does), or an operator asks a random member to decommission, again every
     * 500 ms while it refuses (another change under way, or the member is down).
     */
    private void scheduleMembershipChange(long horizon) {
        long at = random.nextLong(Math.max(1, horizon));
        switch (config.change()) {
            case NONE -> { }
            case JOIN -> loop.at(at, () -> {
                SimNode spare = nodes.get("n" + (config.nodes() + 1));
                trace.add("operator starts %s to join", spare.id());
                spare.start();
            });
            case DECOMMISSION -> {
                decommissioned = initialMembers.get(random.nextInt(initialMembers.size()));
                loop.at(at, () -> decommission(decommissioned));
            }
            case REMOVE -> {
                String dying = initialMembers.get(random.nextInt(initialMembers.size()));
                loop.at(at, () -> {
                    if (faults.claimDiskLoss()) {
                        removed = dying;
                        nodes.get(dying).dieForGood();
                        remove(dying);
                    }
                });
            }
        }
    }

    /**
     * The operator asks a running member to remove the dead one, and asks again every 500 ms until it is removed:
     * members refuse while gossip there does not judge it down yet, or another change is under way.
     */
    private void remove(String dead) {
        Topology newest = finalTopology();
        if (newest.state(dead) == MemberState.REMOVED) {
            return;
        }
        List<SimNode> running = nodes.values().stream().filter(n -> n.running() && !n.id().equals(dead)).toList();
        if (!running.isEmpty()) {
            SimNode asked = running.get(random.nextInt(running.size()));
            trace.add("operator asks %s to remove %s", asked.id(), dead);
            asked.membership().remove(dead);
        }
        loop.after(500, () -> remove(dead));
    }

    /**
     * The operator asks the member to decommission, and asks again every 500 ms until it has left: while it refuses
     * (another change under way, or it is down), and after it accepted, since a crash or a wipe may lose the change
     * before the member could push it to the others.
     */
    private void decommission(String leaving) {
        SimNode node = nodes.get(leaving);
        if (!node.wanted()) {
            return; // it left
        }
        if (node.running()) {
            trace.add("operator asks %s to decommission", leaving);
            node.membership().decommission();
        }
        loop.after(500, () -> decommission(leaving));
    }

    /**
     * The membership change is over: it was made, every running node holds the same topology with no change under
     * way, and a decommissioned member is out of the ring.
     */
    private boolean membershipSettled() {
        if (decommissioned != null && nodes.get(decommissioned).wanted()
                || removed != null && finalTopology().state(removed) != MemberState.REMOVED) {
            return false;
        }
        Set<String> versions = new HashSet<>();
        for (SimNode node : nodes.values()) {
            if (node.running()) {
                Topology topology = node.membership().topology();
                if (topology == null || topology.inTransition()) {
                    return false;
                }
                versions.add(topology.version().toString());
            }
        }
        return versions.size() == 1;
    }

    /** The newest topology any node holds: the ring the checkers hold the replicas to. */
    Topology finalTopology() {
        Topology newest = firstTopology;
        for (SimNode node : nodes.values()) {
            Topology topology = node.membership().topology();
            if (topology != null && topology.supersedes(newest)) {
                newest = topology;
            }
        }
        return newest;
    }

    /**
     * After the heal: the membership change completed, hints delivered, dead records past their grace purged, then
     * two anti-entropy cycles; every replica of every key must then hold the same version, and one more cycle must
     * find nothing to repair.
     */
    private void converge() {
        if (!loop.runUntil(this::membershipSettled, loop.now() + CONVERGENCE_LIMIT)) {
            invariants.violate("membership: the " + config.change().name().toLowerCase() + " did not complete within "
                    + CONVERGENCE_LIMIT + " ms after the heal: " + finalTopology());
        }
        if (decommissioned != null && finalTopology().state(decommissioned) != MemberState.LEFT) {
            invariants.violate("membership: " + decommissioned + " was decommissioned but is "
                    + finalTopology().state(decommissioned) + " in " + finalTopology());
        }
        long settleAt = loop.now() + config.tombstoneGrace() + 2 * SimConfig.SWEEP_INTERVAL
                + 2 * SimConfig.HINT_INTERVAL + 2_000;
        boolean hintsDelivered = loop.runUntil(() -> loop.now() >= settleAt
                && nodes.values().stream().allMatch(n -> n.pendingHints() == 0), loop.now() + CONVERGENCE_LIMIT);
        if (!hintsDelivered) {
            invariants.violate("convergence: hints still pending " + CONVERGENCE_LIMIT + " ms after the heal");
        }
        loop.runUntil(loop.now() + 2 * config.antiEntropyCycle() + 2 * SimConfig.SWEEP_INTERVAL);
        List<String> differing = differingKeys();
        if (!differing.isEmpty()) {
            invariants.violate("convergence: replicas still differ after the heal and two anti-entropy cycles: "
                    + differing);
        }
        long repairedBefore = stats.repairedKeys();
        loop.runUntil(loop.now() + config.antiEntropyCycle());
        if (stats.repairedKeys() != repairedBefore) {
            invariants.violate("convergence: an idle converged cluster still repaired "
                    + (stats.repairedKeys() - repairedBefore) + " keys in one cycle");
        }
    }

    /** Keys whose home replicas do not all hold the same version. */
    private List<String> differingKeys() {
        List<String> differing = new ArrayList<>();
        for (String key : allKeys()) {
            Set<Long> digests = new HashSet<>();
            for (String replica : replicasOf(key)) {
                digests.add(RecordDigest.of(SimNode.bytes(key), nodes.get(replica).read(key)));
            }
            if (digests.size() > 1) {
                differing.add(key);
            }
        }
        return differing;
    }

    /** Each key's values in the merge of its final replicas' records (a node that lost the key holds nothing). */
    private Map<String, Set<String>> finalValues(long nowMillis) {
        Map<String, Set<String>> values = new TreeMap<>();
        for (String key : allKeys()) {
            Record merged = Record.EMPTY;
            for (String replica : replicasOf(key)) {
                merged = config.mode().versioning().merge(merged, nodes.get(replica).read(key));
            }
            values.put(key, Workload.values(merged, nowMillis, Workload.SET_KEYS.contains(key)));
        }
        return values;
    }

    private List<String> allKeys() {
        List<String> keys = new ArrayList<>(Workload.SET_KEYS);
        keys.addAll(Workload.DELETE_KEYS);
        return keys;
    }

    /** The key's home replicas in the final topology. */
    List<String> replicasOf(String key) {
        return finalTopology().placement(SimNode.bytes(key)).current();
    }

    List<String> initialMembers() {
        return initialMembers;
    }

    Topology firstTopology() {
        return firstTopology;
    }

    SimConfig config() {
        return config;
    }

    EventLoop loop() {
        return loop;
    }

    SplittableRandom random() {
        return random;
    }

    Trace trace() {
        return trace;
    }

    SimNetwork network() {
        return network;
    }

    Invariants invariants() {
        return invariants;
    }

    Stats stats() {
        return stats;
    }

    History history() {
        return history;
    }

    SimNode node(String id) {
        return nodes.get(id);
    }

    List<SimNode> nodes() {
        return List.copyOf(nodes.values());
    }

    List<String> nodeIds() {
        return List.copyOf(nodes.keySet());
    }

    List<SimGateway> gateways() {
        return gateways;
    }
}
