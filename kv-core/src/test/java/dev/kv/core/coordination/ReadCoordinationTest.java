package dev.kv.core.coordination;

import dev.kv.core.contract.FailureKind;
import dev.kv.core.contract.ReplicaFailure;
import dev.kv.core.quorum.QuorumSpec;
import dev.kv.core.record.ConflictMode;
import dev.kv.core.record.Record;
import dev.kv.core.record.Versioning;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.kv.core.coordination.WriteCoordinationTest.all;
import static dev.kv.core.coordination.WriteCoordinationTest.bytes;
import static dev.kv.core.coordination.WriteCoordinationTest.only;
import static dev.kv.core.coordination.WriteCoordinationTest.put;
import static org.assertj.core.api.Assertions.assertThat;

class ReadCoordinationTest {

    private static final Versioning VERSIONING = ConflictMode.VECTOR_CLOCK.versioning();
    private static final QuorumSpec STRONG = new QuorumSpec(2, 2, false, QuorumSpec.STRONG);
    private static final Record OLD = WriteCoordinationTest.RECORD;
    private static final Record NEW = VERSIONING.write(OLD, put("w"), "b:1", 2, 2);

    private final FixedRouting view = new FixedRouting();

    private ReadCoordination read(long speculateAfter) {
        return new ReadCoordination(bytes("k"), STRONG, view,
                new ReadCoordination.Settings(VERSIONING, 750, 600, false, speculateAfter));
    }

    @Test
    void rAnswersThatAgreeAreTheAnswerWithoutRepair() {
        ReadCoordination read = read(0);
        List<Action.Read> reads = all(read.start(0), Action.Read.class);
        assertThat(reads).extracting(Action.Read::node).containsExactly("a", "b");
        read.succeeded(reads.get(0).id(), NEW, 3);
        assertThat(read.outcome()).isNull();
        assertThat(read.succeeded(reads.get(1).id(), NEW, 4)).isEmpty();
        assertThat(read.outcome()).isEqualTo(new Outcome.Done(NEW));
        assertThat(read.finished()).isTrue();
    }

    @Test
    void aStaleAnswerIsRepairedBeforeTheReadAnswers() {
        ReadCoordination read = read(0);
        List<Action.Read> reads = all(read.start(0), Action.Read.class);
        read.succeeded(reads.get(0).id(), NEW, 3);
        Action.Store repair = only(read.succeeded(reads.get(1).id(), OLD, 4), Action.Store.class);
        assertThat(repair.node()).isEqualTo("b");
        assertThat(repair.purpose()).isEqualTo(Action.Purpose.REPAIR_BLOCKING);
        assertThat(repair.record()).isEqualTo(NEW);
        assertThat(read.outcome()).isNull();
        read.succeeded(repair.id(), null, 6);
        assertThat(read.outcome()).isEqualTo(new Outcome.Done(NEW));
    }

    @Test
    void aBlockingRepairThatDoesNotAnswerDelaysTheReadOnlyUntilTheRepairTimeout() {
        ReadCoordination read = read(0);
        List<Action.Read> reads = all(read.start(0), Action.Read.class);
        read.succeeded(reads.get(0).id(), NEW, 3);
        Action.WakeAt wake = only(read.succeeded(reads.get(1).id(), Record.EMPTY, 4), Action.WakeAt.class);
        assertThat(wake.atMillis()).isEqualTo(604);
        read.tick(604);
        assertThat(read.outcome()).isEqualTo(new Outcome.Done(NEW));
        assertThat(read.finished()).isFalse();
    }

    @Test
    void aFailedReplicaIsReplacedByTheSpare() {
        ReadCoordination read = read(0);
        List<Action.Read> reads = all(read.start(0), Action.Read.class);
        Action.Read spare = only(read.failed(reads.get(0).id(),
                ReplicaFailure.of(FailureKind.UNREACHABLE, "refused"), 2), Action.Read.class);
        assertThat(spare.node()).isEqualTo("c");
        read.succeeded(reads.get(1).id(), NEW, 3);
        read.succeeded(spare.id(), NEW, 4);
        assertThat(read.outcome()).isEqualTo(new Outcome.Done(NEW));
    }

    @Test
    void aReplicaTheViewCannotCallIsNeitherAskedNorCountedAsContacted() {
        view.unknown.add("a");
        ReadCoordination read = read(0);
        List<Action.Read> reads = all(read.start(0), Action.Read.class);
        assertThat(reads).extracting(Action.Read::node).containsExactly("b", "c");
        assertThat(read.failed(reads.get(0).id(), ReplicaFailure.of(FailureKind.UNREACHABLE, "refused"), 2))
                .isEmpty();
        read.succeeded(reads.get(1).id(), NEW, 3);
        assertThat(read.outcome()).isInstanceOfSatisfying(Outcome.NotReached.class, notReached ->
                assertThat(notReached.insufficient().describe("read"))
                        .isEqualTo("read quorum not reached: 1 of 2 required replicas answered (2 contacted);"
                                + " b: refused"));
    }

    @Test
    void aSlowReplicaCostsTheSpeculativeDelayNotTheTimeout() {
        ReadCoordination read = read(50);
        List<Action> started = read.start(0);
        assertThat(all(started, Action.WakeAt.class)).extracting(Action.WakeAt::atMillis).contains(50L);
        List<Action.Read> reads = all(started, Action.Read.class);
        read.succeeded(reads.get(0).id(), NEW, 3);
        Action.Read spare = only(read.tick(50), Action.Read.class);
        assertThat(spare.node()).isEqualTo("c");
        read.succeeded(spare.id(), NEW, 55);
        assertThat(read.outcome()).isEqualTo(new Outcome.Done(NEW));
        assertThat(read.finished()).isFalse(); // b's answer is still out and will be compared in the background
    }

    @Test
    void twoReplicasThatStoppedAtOnceCostTwoSpeculativeDelaysWhileTheThirdAnswers() {
        QuorumSpec eventual = new QuorumSpec(1, 2, false, QuorumSpec.EVENTUAL);
        ReadCoordination read = new ReadCoordination(bytes("k"), eventual, view,
                new ReadCoordination.Settings(VERSIONING, 750, 600, false, 50));
        assertThat(all(read.start(0), Action.Read.class)).extracting(Action.Read::node).containsExactly("a");
        List<Action> first = read.tick(50);
        assertThat(all(first, Action.Read.class)).extracting(Action.Read::node).containsExactly("b");
        assertThat(all(first, Action.WakeAt.class)).extracting(Action.WakeAt::atMillis).contains(100L);
        Action.Read last = only(read.tick(100), Action.Read.class);
        assertThat(last.node()).isEqualTo("c");
        assertThat(read.tick(150)).noneMatch(Action.Read.class::isInstance);
        read.succeeded(last.id(), NEW, 104);
        assertThat(read.outcome()).isEqualTo(new Outcome.Done(NEW));
    }

    @Test
    void aLateAnswerThatKnowsMoreIsMergedAndSentToTheReplicasThatAnswered() {
        ReadCoordination read = read(50);
        List<Action.Read> reads = all(read.start(0), Action.Read.class);
        read.succeeded(reads.get(0).id(), OLD, 3);
        Action.Read spare = only(read.tick(50), Action.Read.class);
        read.succeeded(spare.id(), OLD, 55);
        assertThat(read.outcome()).isEqualTo(new Outcome.Done(OLD));
        List<Action.Store> repairs = all(read.succeeded(reads.get(1).id(), NEW, 80), Action.Store.class);
        assertThat(repairs).extracting(Action.Store::node).containsExactly("a", "c");
        assertThat(repairs).allSatisfy(repair -> {
            assertThat(repair.record()).isEqualTo(NEW);
            assertThat(repair.purpose()).isEqualTo(Action.Purpose.REPAIR_BACKGROUND);
        });
    }

    @Test
    void tooFewAnswersEndTheReadOnceEveryReplicaAnswered() {
        ReadCoordination read = read(0);
        List<Action.Read> reads = all(read.start(0), Action.Read.class);
        ReplicaFailure timeout = ReplicaFailure.of(FailureKind.TIMEOUT, "timeout after 500 ms");
        Action.Read spare = only(read.failed(reads.get(0).id(), timeout, 500), Action.Read.class);
        read.failed(reads.get(1).id(), timeout, 500);
        assertThat(read.outcome()).isNull();
        read.succeeded(spare.id(), NEW, 502);
        assertThat(read.outcome()).isInstanceOfSatisfying(Outcome.NotReached.class, notReached ->
                assertThat(notReached.insufficient().describe("read"))
                        .isEqualTo("read quorum not reached: 1 of 2 required replicas answered (3 contacted);"
                                + " a: timeout after 500 ms, b: timeout after 500 ms"));
    }
}
