package dev.kv.core.quorum;

import dev.kv.core.record.ConflictMode;
import dev.kv.core.record.Mutation;
import dev.kv.core.record.Record;
import dev.kv.core.record.Sibling;
import dev.kv.core.record.Versioning;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ReadResolutionTest {

    private static final Versioning DVV = ConflictMode.VECTOR_CLOCK.versioning();

    private static Record put(Versioning versioning, Record local, String actor, String value, long time) {
        return versioning.write(local, Mutation.put(value.getBytes(StandardCharsets.UTF_8), "text/plain",
                Sibling.NO_EXPIRY, local.clock()), actor, time << 16, time);
    }

    private static Map<String, Record> answers(Object... replicaRecordPairs) {
        Map<String, Record> answers = new LinkedHashMap<>();
        for (int i = 0; i < replicaRecordPairs.length; i += 2) {
            answers.put((String) replicaRecordPairs[i], (Record) replicaRecordPairs[i + 1]);
        }
        return answers;
    }

    @Test
    void agreeingReplicasNeedNoRepair() {
        Record v1 = put(DVV, Record.EMPTY, "n1:1", "v1", 1);
        ReadResolution resolution = ReadResolution.resolve(DVV, answers("n1", v1, "n2", v1, "n3", v1));
        assertThat(resolution.resolved()).isEqualTo(v1);
        assertThat(resolution.staleReplicas()).isEmpty();
    }

    @Test
    void aReplicaWithAnOlderVersionIsStale() {
        Record v1 = put(DVV, Record.EMPTY, "n1:1", "v1", 1);
        Record v2 = put(DVV, v1, "n1:1", "v2", 2);
        ReadResolution resolution = ReadResolution.resolve(DVV, answers("n1", v2, "n2", v1, "n3", v2));
        assertThat(resolution.resolved()).isEqualTo(v2);
        assertThat(resolution.staleReplicas()).containsExactly("n2");
        assertThat(resolution.isStale(v1)).isTrue();
        assertThat(resolution.isStale(v2)).isFalse();
    }

    @Test
    void anAbsentAnswerIsStaleWhenTheResolvedRecordIsNot() {
        Record v1 = put(DVV, Record.EMPTY, "n1:1", "v1", 1);
        ReadResolution resolution = ReadResolution.resolve(DVV, answers("n1", Record.EMPTY, "n2", v1));
        assertThat(resolution.resolved()).isEqualTo(v1);
        assertThat(resolution.staleReplicas()).containsExactly("n1");
        assertThat(resolution.isStale(Record.EMPTY)).isTrue();
    }

    @Test
    void whenEveryReplicaIsAbsentNothingIsStale() {
        ReadResolution resolution = ReadResolution.resolve(DVV, answers("n1", Record.EMPTY, "n2", Record.EMPTY));
        assertThat(resolution.resolved()).isEqualTo(Record.EMPTY);
        assertThat(resolution.staleReplicas()).isEmpty();
        assertThat(ReadResolution.resolve(DVV, Map.of()).resolved()).isEqualTo(Record.EMPTY);
    }

    @Test
    void replicasHoldingDifferentConcurrentVersionsAreAllStaleAndTheResolutionHoldsBoth() {
        Record v1 = put(DVV, Record.EMPTY, "n1:1", "v1", 1);
        Record onN1 = put(DVV, v1, "n1:1", "alice", 2);
        Record onN2 = put(DVV, v1, "n2:1", "bob", 3);
        ReadResolution resolution = ReadResolution.resolve(DVV, answers("n1", onN1, "n2", onN2, "n3", v1));
        assertThat(resolution.resolved().siblings()).hasSize(2);
        assertThat(resolution.staleReplicas()).containsExactly("n1", "n2", "n3");
        assertThat(resolution.resolved()).isEqualTo(DVV.merge(onN1, onN2));
    }

    @Test
    void aTombstoneIsRepairedOntoReplicasThatStillHoldTheValue() {
        Record v1 = put(DVV, Record.EMPTY, "n1:1", "v1", 1);
        Record deleted = DVV.write(v1, Mutation.delete(v1.clock()), "n2:1", 2 << 16, 2);
        ReadResolution resolution = ReadResolution.resolve(DVV, answers("n1", v1, "n2", deleted));
        assertThat(resolution.resolved()).isEqualTo(deleted);
        assertThat(resolution.resolved().isDeadAt(2)).isTrue();
        assertThat(resolution.staleReplicas()).containsExactly("n1");
    }

    @Test
    void lastWriteWinsResolvesToTheNewestAndRepairsTheRest() {
        Versioning lww = ConflictMode.LWW.versioning();
        Record older = put(lww, Record.EMPTY, "n1:1", "older", 1);
        Record newer = put(lww, Record.EMPTY, "n2:1", "newer", 2);
        ReadResolution resolution = ReadResolution.resolve(lww, answers("n1", older, "n2", newer, "n3",
                Record.EMPTY));
        assertThat(resolution.resolved().siblings()).singleElement()
                .satisfies(s -> assertThat(s.value()).asString(StandardCharsets.UTF_8).isEqualTo("newer"));
        // n2 holds the winner but has not seen n1's write in its clock: it is repaired too, so replicas converge.
        assertThat(resolution.staleReplicas()).containsExactly("n1", "n2", "n3");
    }
}
