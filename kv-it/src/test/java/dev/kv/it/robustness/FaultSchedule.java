package dev.kv.it.robustness;

import dev.kv.it.KvCluster;
import dev.kv.it.KvNode;
import dev.kv.it.faults.Network;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

import static org.awaitility.Awaitility.await;

/**
 * Faults one after another, drawn from a seed (printed, so {@code -Dkv.robustness.seed=S} repeats the run's choices):
 * a partition of one node from the rest, a one-way cut, delay with loss and resets, {@code kill -9} and restart,
 * SIGSTOP and SIGCONT. Each lasts a few seconds and is healed before the next; the windows are kept so availability
 * can be told per kind of fault.
 */
final class FaultSchedule {

    /** One fault, and when it held (monotonic nanoseconds). */
    record Window(String kind, String detail, long fromNanos, long toNanos) {
    }

    private static final List<String> KINDS = List.of("partition", "one-way", "delay-loss", "kill", "pause");

    private final KvCluster kv;
    private final Random random;
    private final List<Window> windows = new ArrayList<>();

    FaultSchedule(KvCluster kv, long seed) {
        this.kv = kv;
        this.random = new Random(seed);
    }

    /** Runs faults until {@code duration} has passed, each followed by its heal. */
    void run(Duration duration) {
        long end = System.nanoTime() + duration.toNanos();
        int round = 0;
        while (System.nanoTime() < end) {
            String kind = KINDS.get(round < KINDS.size() ? round : random.nextInt(KINDS.size()));
            round++;
            List<String> nodes = kv.nodes().stream().map(KvNode::id).toList();
            String victim = nodes.get(random.nextInt(nodes.size()));
            Duration holdFor = Duration.ofMillis(2_000 + random.nextInt(4_000));
            long from = System.nanoTime();
            String detail = apply(kind, victim, nodes);
            System.out.println("robustness: fault " + round + ": " + kind + " " + detail + " for "
                    + holdFor.toMillis() + " ms");
            hold(holdFor);
            heal();
            windows.add(new Window(kind, detail, from, System.nanoTime()));
            hold(Duration.ofMillis(1_000 + random.nextInt(2_000)));
        }
    }

    private String apply(String kind, String victim, List<String> nodes) {
        Network network = kv.network();
        List<String> others = new ArrayList<>(nodes);
        others.remove(victim);
        switch (kind) {
            case "partition" -> {
                List<String> rest = new ArrayList<>(others);
                rest.add("gateway");
                network.partition(Set.of(victim), rest);
                return victim + " | " + rest;
            }
            case "one-way" -> {
                others.forEach(other -> network.cut(victim, other));
                return victim + " -/-> " + others;
            }
            case "delay-loss" -> {
                network.delay(nodes, 75, 50);
                network.drop(nodes, 0.01);
                network.reset(nodes, 0.01);
                return "75 +/- 50 ms, 1 % dropped, 1 % reset";
            }
            case "kill" -> {
                kv.node(victim).kill();
                return victim;
            }
            case "pause" -> {
                kv.node(victim).pause();
                return victim;
            }
            default -> throw new IllegalArgumentException(kind);
        }
    }

    /** Heals the network, resumes paused nodes and starts killed ones. */
    private void heal() {
        kv.network().heal();
        for (KvNode node : kv.nodes()) {
            if (node.isRunning()) {
                node.resume();
            }
        }
        kv.heal();
    }

    /** A fault's duration is the schedule's choice, not a condition to wait for. */
    private static void hold(Duration duration) {
        long until = System.nanoTime() + duration.toNanos();
        await().atMost(duration.plusSeconds(5)).pollInterval(Duration.ofMillis(50))
                .until(() -> System.nanoTime() >= until);
    }

    /** Per kind of fault, the operations invoked while it held: {@code "ok/attempted"}. */
    Map<String, String> availability(History history) {
        Map<String, int[]> counts = new TreeMap<>();
        for (History.Op op : history.ops()) {
            for (Window window : windows) {
                if (op.invokedNanos() >= window.fromNanos() && op.invokedNanos() < window.toNanos()) {
                    int[] count = counts.computeIfAbsent(window.kind(), k -> new int[2]);
                    count[1]++;
                    if (op.outcome() == History.Outcome.OK) {
                        count[0]++;
                    }
                }
            }
        }
        Map<String, String> shown = new TreeMap<>();
        counts.forEach((kind, count) -> shown.put(kind, count[0] + "/" + count[1]));
        return shown;
    }

    List<Window> windows() {
        return List.copyOf(windows);
    }
}
