package dev.kv.core.coordination;

import dev.kv.core.contract.FailureKind;
import dev.kv.core.contract.ReplicaFailure;
import dev.kv.core.placement.TopologyMessage;
import dev.kv.core.quorum.QuorumSpec;
import dev.kv.core.record.ConflictMode;
import dev.kv.core.record.Mutation;
import dev.kv.core.record.Record;
import dev.kv.core.write.CoordinatorLease;
import dev.kv.core.write.WriteAttempts;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class WriteCoordinationTest {

    private static final QuorumSpec STRONG = new QuorumSpec(2, 2, false, QuorumSpec.STRONG);
    private static final QuorumSpec SLOPPY = new QuorumSpec(2, 2, true, QuorumSpec.CUSTOM);
    private static final CoordinatorLease LEASE = new CoordinatorLease(Duration.ofMillis(250), Duration.ofMillis(200));
    static final Record RECORD = ConflictMode.VECTOR_CLOCK.versioning().write(Record.EMPTY, put("v"), "a:1", 1, 1);

    private final FixedRouting view = new FixedRouting();

    private WriteCoordination write(QuorumSpec spec) {
        return new WriteCoordination(bytes("k"), spec, view, new WriteAttempts(LEASE, 42), 1_250);
    }

    @Test
    void theCoordinatorsRecordGoesToTheOtherReplicasAndTheWriteIsDoneAtW() {
        WriteCoordination write = write(STRONG);
        Action.Coordinate coordinate = only(write.start(0), Action.Coordinate.class);
        assertThat(coordinate.node()).isEqualTo("a");
        assertThat(coordinate.attempt().reattempt()).isFalse();
        assertThat(coordinate.attempt().deadlineMillis()).isEqualTo(250);

        List<Action.Store> copies = all(write.succeeded(coordinate.id(), RECORD, 5), Action.Store.class);
        assertThat(copies).extracting(Action.Store::node).containsExactly("b", "c");
        assertThat(copies).allSatisfy(copy -> assertThat(copy.record()).isSameAs(RECORD));
        assertThat(write.outcome()).isNull();

        write.succeeded(copies.get(0).id(), null, 8);
        assertThat(write.outcome()).isEqualTo(new Outcome.Done(RECORD));
        assertThat(write.finished()).isFalse(); // c's copy is still out
        write.failed(copies.get(1).id(), ReplicaFailure.of(FailureKind.TIMEOUT, "timeout"), 505);
        assertThat(write.finished()).isFalse(); // a hint for c is on its way
    }

    @Test
    void aCoordinatorThatProvablyDidNotApplyIsReplacedAtOnceWithoutTheAliasDot() {
        WriteCoordination write = write(STRONG);
        Action.Coordinate first = only(write.start(0), Action.Coordinate.class);
        Action.Coordinate second = only(write.failed(first.id(),
                ReplicaFailure.of(FailureKind.UNREACHABLE, "connection refused"), 3), Action.Coordinate.class);
        assertThat(second.node()).isEqualTo("b");
        assertThat(second.attempt().reattempt()).isFalse();
        assertThat(second.attempt().sentAtMillis()).isEqualTo(3);
    }

    @Test
    void afterAnAttemptThatMayHaveAppliedTheNextWaitsUntilItSettledAndTakesTheAliasDot() {
        WriteCoordination write = write(STRONG);
        Action.Coordinate first = only(write.start(0), Action.Coordinate.class);
        Action.WakeAt wake = only(write.failed(first.id(), ReplicaFailure.of(FailureKind.TIMEOUT, "timeout"), 300),
                Action.WakeAt.class);
        assertThat(wake.atMillis()).isEqualTo(450); // deadline 250 + max clock skew 200
        assertThat(write.tick(449)).isEmpty();
        Action.Coordinate second = only(write.tick(450), Action.Coordinate.class);
        assertThat(second.node()).isEqualTo("b");
        assertThat(second.attempt().reattempt()).isTrue();
    }

    @Test
    void aRefusedRequestIsRejectedWithoutTryingAnotherReplica() {
        WriteCoordination write = write(STRONG);
        Action.Coordinate first = only(write.start(0), Action.Coordinate.class);
        ReplicaFailure refused = ReplicaFailure.of(FailureKind.REJECTED, "too many siblings");
        assertThat(write.failed(first.id(), refused, 2)).isEmpty();
        assertThat(write.outcome()).isEqualTo(new Outcome.Rejected("a", refused));
        assertThat(write.finished()).isTrue();
    }

    @Test
    void aReplicaTheViewCannotCallIsNeitherACoordinatorCandidateNorCountedAsContacted() {
        view.unknown.add("a");
        WriteCoordination write = write(STRONG);
        Action.Coordinate first = only(write.start(0), Action.Coordinate.class);
        assertThat(first.node()).isEqualTo("b");
        ReplicaFailure refused = ReplicaFailure.of(FailureKind.UNREACHABLE, "connection refused");
        Action.Coordinate second = only(write.failed(first.id(), refused, 1), Action.Coordinate.class);
        assertThat(second.node()).isEqualTo("c");
        assertThat(write.failed(second.id(), refused, 2)).isEmpty();
        assertThat(write.outcome()).isInstanceOfSatisfying(Outcome.NotReached.class, notReached ->
                assertThat(notReached.insufficient().describe("write"))
                        .isEqualTo("write quorum not reached: 0 of 2 required replicas answered (2 contacted);"
                                + " b: connection refused, c: connection refused"));
    }

    @Test
    void aDownReplicaGetsAHintAtOnceWhenTheHintCountsForASloppyWrite() {
        view.down.add("b");
        view.down.add("c");
        WriteCoordination write = write(SLOPPY);
        Action.Coordinate coordinate = only(write.start(0), Action.Coordinate.class);
        List<Action> copies = write.succeeded(coordinate.id(), RECORD, 2);
        assertThat(all(copies, Action.Store.class)).isEmpty();
        List<Action.StoreHint> hints = all(copies, Action.StoreHint.class);
        assertThat(hints).extracting(Action.StoreHint::target).containsExactly("b", "c");
        write.succeeded(hints.get(0).id(), null, 4);
        write.succeeded(hints.get(1).id(), null, 5);
        assertThat(write.outcome()).isInstanceOf(Outcome.Done.class);
        assertThat(write.finished()).isTrue();
    }

    @Test
    void aStrictWriteTriesTheReplicasJudgedDownAndHintsOnlyThoseThatFail() {
        view.down.add("b");
        view.down.add("c");
        WriteCoordination write = write(STRONG);
        Action.Coordinate coordinate = only(write.start(0), Action.Coordinate.class);
        List<Action.Store> probes = all(write.succeeded(coordinate.id(), RECORD, 2), Action.Store.class);
        assertThat(probes).extracting(Action.Store::node).containsExactly("b", "c");
        Action.StoreHint hint = only(write.failed(probes.get(1).id(), ReplicaFailure.of(FailureKind.TIMEOUT, "t"),
                500), Action.StoreHint.class);
        assertThat(hint.target()).isEqualTo("c");
        assertThat(write.outcome()).isNull();
        write.succeeded(probes.get(0).id(), null, 501); // b was judged down, but it is back: the write is acknowledged
        assertThat(write.outcome()).isEqualTo(new Outcome.Done(RECORD));
        write.succeeded(hint.id(), null, 502);
        assertThat(write.finished()).isTrue();
    }

    @Test
    void aStrictWriteWithEveryOtherReplicaReallyDownIsNotAcknowledged() {
        view.down.add("b");
        view.down.add("c");
        WriteCoordination write = write(STRONG);
        Action.Coordinate coordinate = only(write.start(0), Action.Coordinate.class);
        List<Action.Store> probes = all(write.succeeded(coordinate.id(), RECORD, 2), Action.Store.class);
        List<Action.StoreHint> hints = new java.util.ArrayList<>();
        for (Action.Store probe : probes) {
            hints.add(only(write.failed(probe.id(), ReplicaFailure.of(FailureKind.UNREACHABLE, "refused"), 3),
                    Action.StoreHint.class));
        }
        for (Action.StoreHint hint : hints) {
            write.succeeded(hint.id(), null, 4);
        }
        assertThat(write.outcome()).isInstanceOf(Outcome.NotReached.class);
        assertThat(write.finished()).isTrue();
    }

    @Test
    void aHintHolderThatFailsIsReplacedOnce() {
        view.down.add("c");
        WriteCoordination write = write(SLOPPY);
        Action.Coordinate coordinate = only(write.start(0), Action.Coordinate.class);
        Action.StoreHint first = only(all(write.succeeded(coordinate.id(), RECORD, 2), Action.StoreHint.class),
                Action.StoreHint.class);
        assertThat(first.node()).isEqualTo("d");
        Action.StoreHint second = only(write.failed(first.id(), ReplicaFailure.of(FailureKind.TIMEOUT, "t"), 500),
                Action.StoreHint.class);
        assertThat(second.node()).isEqualTo("e");
        assertThat(write.failed(second.id(), ReplicaFailure.of(FailureKind.TIMEOUT, "t"), 1000)).isEmpty();
    }

    @Test
    void aCopyRefusedForANewerTopologyIsPlannedAgainByIt() {
        WriteCoordination write = write(STRONG);
        Action.Coordinate coordinate = only(write.start(0), Action.Coordinate.class);
        List<Action.Store> copies = all(write.succeeded(coordinate.id(), RECORD, 2), Action.Store.class);
        TopologyMessage newer = new TopologyMessage("2:a", Map.of("a", "normal", "c", "normal", "d", "normal"),
                List.of());
        write.failed(copies.get(0).id(), new ReplicaFailure(FailureKind.FENCED, "stale topology", newer), 4);
        List<Action> replanned = write.failed(copies.get(1).id(), ReplicaFailure.of(FailureKind.TIMEOUT, "t"), 500);
        // c timed out: a hint is left for it (and a second holder tried); the round fails once those answered
        Action.StoreHint hint = only(replanned, Action.StoreHint.class);
        Action.StoreHint again = only(write.failed(hint.id(), ReplicaFailure.of(FailureKind.TIMEOUT, "t"), 1000),
                Action.StoreHint.class);
        List<Action> next = write.failed(again.id(), ReplicaFailure.of(FailureKind.TIMEOUT, "t"), 1500);
        assertThat(view.adopted).containsExactly(newer);
        assertThat(next).hasAtLeastOneElementOfType(Action.Replanned.class);
        assertThat(all(next, Action.Store.class)).extracting(Action.Store::node).containsExactly("c", "d");
    }

    static <T extends Action> T only(List<? extends Action> actions, Class<T> type) {
        List<T> matching = all(actions, type);
        assertThat(matching).hasSize(1);
        return matching.getFirst();
    }

    static <T extends Action> List<T> all(List<? extends Action> actions, Class<T> type) {
        return actions.stream().filter(type::isInstance).map(type::cast).toList();
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static Mutation put(String value) {
        return Mutation.put(bytes(value), "text/plain", 0, null);
    }
}
