package dev.kv.core.placement;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue 12, item 1: for random sequences of joins, decommissions and removals of dead members, interleaved with
 * writes, reads and the transfers of each transition, a write acknowledged under the joint rule ({@link Placement})
 * and a later read of R replicas of the current placement always meet on a replica that holds the write. Each write
 * reaches only the replicas that acknowledged it (the worst case), and each transfer merges exactly
 * {@link RangeTransfer#sourcesNeeded} randomly chosen live sources. At most one member is dead at a time (N=3 and
 * a strict quorum tolerate one), and a dead member is removed before another dies.
 */
class PlacementProperties {

    private static final int VIRTUAL_NODES = 8;
    private static final int N = 3;
    private static final int KEYS = 40;

    sealed interface Op permits Write, Read, Join, Decommission, Remove, Transfer, Complete {
    }

    record Write(int key, long seed) implements Op {
    }

    record Read(int key, long seed) implements Op {
    }

    record Join() implements Op {
    }

    record Decommission(int pick) implements Op {
    }

    record Remove(int pick) implements Op {
    }

    record Transfer(long seed) implements Op {
    }

    record Complete() implements Op {
    }

    /** R and W with R + W > N: strong (2, 2), fast-write (3, 1), fast-read (1, 3). */
    record Quorum(int r, int w) {
    }

    @Provide
    Arbitrary<List<Op>> histories() {
        Arbitrary<Integer> key = Arbitraries.integers().between(0, KEYS - 1);
        Arbitrary<Long> seed = Arbitraries.longs();
        Arbitrary<Integer> pick = Arbitraries.integers().between(0, 100);
        Arbitrary<Op> op = Arbitraries.frequencyOf(
                Tuple.of(10, Combinators.combine(key, seed).as(Write::new)),
                Tuple.of(10, Combinators.combine(key, seed).as(Read::new)),
                Tuple.of(2, Arbitraries.just(new Join())),
                Tuple.of(1, pick.map(Decommission::new)),
                Tuple.of(1, pick.map(Remove::new)),
                Tuple.of(6, seed.map(Transfer::new)),
                Tuple.of(2, Arbitraries.just(new Complete())));
        return op.list().ofMinSize(1).ofMaxSize(80);
    }

    @Provide
    Arbitrary<Quorum> quorums() {
        return Arbitraries.of(new Quorum(2, 2), new Quorum(1, 3), new Quorum(3, 1));
    }

    @Property(tries = 400)
    void everyAcknowledgedWriteMeetsEveryLaterReadAcrossMembershipChanges(@ForAll("histories") List<Op> history,
                                                                         @ForAll("quorums") Quorum quorum) {
        Model model = new Model(quorum);
        for (Op op : history) {
            model.apply(op);
        }
        // Finish what is under way, then every key must still be read back whole from any read quorum.
        model.finishTransition();
        for (int key = 0; key < KEYS; key++) {
            model.read(key, key);
        }
        Statistics.label("transitions completed").collect(model.completed > 0);
    }

    @Property(tries = 100)
    void aChangeIsRefusedWhileAnotherIsUnderWayAndTheMemberCountNeverDropsBelowN(@ForAll int pick) {
        Topology topology = Topology.of(List.of("n1", "n2", "n3"), VIRTUAL_NODES, N);
        assertThatThrownBy(() -> topology.decommission("n" + (1 + Math.floorMod(pick, 3))))
                .isInstanceOf(TopologyChangeRefusedException.class).hasMessageContaining("members would be left");
        Topology joining = topology.join("n4");
        assertThat(joining.epoch()).isEqualTo(topology.epoch() + 1);
        assertThatThrownBy(() -> joining.join("n5")).isInstanceOf(TopologyChangeRefusedException.class)
                .hasMessageContaining("one at a time");
        assertThatThrownBy(() -> joining.join("n4")).isInstanceOf(TopologyChangeRefusedException.class);
        Topology joined = joining.complete();
        assertThat(joined.inTransition()).isFalse();
        assertThat(joined.currentRing().members()).containsExactly("n1", "n2", "n3", "n4");
        Topology removed = joined.remove("n2").complete();
        assertThat(removed.state("n2")).isEqualTo(MemberState.REMOVED);
        assertThat(removed.currentRing().members()).doesNotContain("n2");
    }

    /** One key space on simulated replicas: which writes each member holds for each key. */
    private static final class Model {

        private final Quorum quorum;
        private final List<byte[]> keys = new ArrayList<>();
        private final Map<String, Map<Integer, Set<Integer>>> held = new HashMap<>();
        private final Map<Integer, Set<Integer>> acknowledged = new HashMap<>();
        private final Set<String> dead = new HashSet<>();
        private Topology topology;
        private List<RangeTransfer> pending = List.of();
        private int nextMember = 4;
        private int nextWrite = 1;
        private int completed;

        Model(Quorum quorum) {
            this.quorum = quorum;
            this.topology = Topology.of(List.of("n1", "n2", "n3"), VIRTUAL_NODES, N);
            for (int i = 0; i < KEYS; i++) {
                keys.add(("key-" + i).getBytes(StandardCharsets.UTF_8));
                acknowledged.put(i, new HashSet<>());
            }
            topology.members().keySet().forEach(id -> held.put(id, new HashMap<>()));
        }

        void apply(Op op) {
            switch (op) {
                case Write write -> write(write.key(), write.seed());
                case Read read -> read(read.key(), read.seed());
                case Join join -> {
                    String member = "n" + nextMember++;
                    change(() -> topology.join(member), member);
                }
                case Decommission decommission -> {
                    String member = pickNormal(decommission.pick());
                    if (member != null && dead.isEmpty()) {
                        change(() -> topology.decommission(member), null);
                    }
                }
                case Remove remove -> {
                    String member = pickNormal(remove.pick());
                    // With W=1 a write may live on the dead member alone: removing it loses such writes by
                    // definition (no quorum survives a failure), so removals are exercised at W >= 2.
                    if (member != null && dead.isEmpty() && !topology.inTransition() && quorum.w() >= 2) {
                        dead.add(member);
                        change(() -> topology.remove(member), null);
                    }
                }
                case Transfer transfer -> transferSome(new SplittableRandom(transfer.seed()));
                case Complete complete -> {
                    if (topology.inTransition() && pending.isEmpty()) {
                        complete();
                    }
                }
            }
        }

        void finishTransition() {
            SplittableRandom random = new SplittableRandom(42);
            for (int round = 0; topology.inTransition(); round++) {
                assertThat(round).as("transfers stuck in %s: %s", topology, pending).isLessThan(10_000);
                transferSome(random);
                if (pending.isEmpty()) {
                    complete();
                }
            }
        }

        private void complete() {
            topology = topology.complete();
            completed++;
            dead.removeIf(id -> topology.state(id) == MemberState.REMOVED);
        }

        private void change(java.util.function.Supplier<Topology> change, String newMember) {
            boolean busy = topology.inTransition();
            try {
                topology = change.get();
                assertThat(busy).as("a change started during another").isFalse();
                if (newMember != null) {
                    held.put(newMember, new HashMap<>());
                }
                pending = new ArrayList<>(topology.transfers());
            } catch (TopologyChangeRefusedException refused) {
                // Refused changes leave everything as it was (a removal's member comes back to life).
                dead.removeIf(id -> topology.state(id) == MemberState.NORMAL);
            }
        }

        private String pickNormal(int pick) {
            List<String> normal = topology.members().entrySet().stream()
                    .filter(e -> e.getValue() == MemberState.NORMAL).map(Map.Entry::getKey).toList();
            return normal.isEmpty() ? null : normal.get(pick % normal.size());
        }

        void write(int key, long seed) {
            SplittableRandom random = new SplittableRandom(seed);
            Placement placement = topology.placement(keys.get(key));
            // The live replicas answer in a random order; the write is acknowledged as soon as the rule says so,
            // and only the replicas that answered by then hold it (the others' copies are lost: the worst case).
            Set<String> acks = new LinkedHashSet<>();
            for (String replica : choose(live(placement.writeReplicas()), Integer.MAX_VALUE, random)) {
                if (placement.writeAcknowledged(acks, quorum.w())) {
                    break;
                }
                acks.add(replica);
            }
            if (!placement.writeAcknowledged(acks, quorum.w())) {
                return; // not acknowledged: a 503, and no promise
            }
            int write = nextWrite++;
            for (String replica : acks) {
                held.get(replica).computeIfAbsent(key, k -> new HashSet<>()).add(write);
            }
            acknowledged.get(key).add(write);
        }

        void read(int key, long seed) {
            List<String> liveCurrent = live(topology.placement(keys.get(key)).current());
            if (liveCurrent.size() < quorum.r()) {
                return;
            }
            List<String> asked = choose(liveCurrent, quorum.r(), new SplittableRandom(seed));
            Set<Integer> seen = new HashSet<>();
            for (String replica : asked) {
                seen.addAll(held.get(replica).getOrDefault(key, Set.of()));
            }
            assertThat(seen).as("key %d read from %s in %s", key, asked, topology)
                    .containsAll(acknowledged.get(key));
        }

        private void transferSome(SplittableRandom random) {
            int count = pending.isEmpty() ? 0 : 1 + random.nextInt(Math.min(pending.size(), 40));
            for (int i = 0; i < count && !pending.isEmpty(); i++) {
                RangeTransfer transfer = pending.get(random.nextInt(pending.size()));
                List<String> sources = live(transfer.sources());
                int needed = transfer.sourcesNeeded(quorum.w());
                if (sources.size() < needed) {
                    continue;
                }
                Map<Integer, Set<Integer>> into = held.get(transfer.to());
                for (String source : choose(sources, needed, random)) {
                    held.get(source).forEach((key, writes) -> {
                        if (transfer.range().contains(dev.kv.core.ring.TokenRing.tokenOf(keys.get(key)))) {
                            into.computeIfAbsent(key, k -> new HashSet<>()).addAll(writes);
                        }
                    });
                }
                pending.remove(transfer);
            }
        }

        private List<String> live(List<String> replicas) {
            return replicas.stream().filter(id -> !dead.contains(id)).toList();
        }

        private static List<String> choose(List<String> from, int count, SplittableRandom random) {
            List<String> shuffled = new ArrayList<>(from);
            for (int i = shuffled.size() - 1; i > 0; i--) {
                java.util.Collections.swap(shuffled, i, random.nextInt(i + 1));
            }
            return shuffled.subList(0, Math.min(count, shuffled.size()));
        }
    }
}
