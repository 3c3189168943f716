package dev.kv.node.faults;

import dev.kv.node.storage.StorageException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What each action does when its failpoint fires, with a halter that records instead of ending the test's JVM. */
@ExtendWith(OutputCaptureExtension.class)
class FailpointsTest {

    private final List<Integer> halts = new ArrayList<>();
    private final Halt halt = halts::add;

    private Failpoints armed(Failpoint point, FailpointAction action) {
        return new Failpoints(Map.of(point, action), halt);
    }

    @Test
    void aDisabledNodeNeverActsAtAnyFailpoint() {
        Failpoints none = new Failpoints(Map.of(), halt);
        for (Failpoint point : Failpoint.values()) {
            none.fire(point);
            Failpoints.disabled().fire(point);
        }
        assertThat(halts).isEmpty();
    }

    @Test
    void onlyTheArmedFailpointActs() {
        Failpoints failpoints = armed(Failpoint.HINT_STORE_AFTER, new FailpointAction.Crash());
        for (Failpoint point : Failpoint.values()) {
            if (point != Failpoint.HINT_STORE_AFTER) {
                failpoints.fire(point);
            }
        }
        assertThat(halts).isEmpty();

        failpoints.fire(Failpoint.HINT_STORE_AFTER);
        assertThat(halts).containsExactly(137);
    }

    @Test
    void crashLogsItsFailpointAndHaltsAsKillNine(CapturedOutput output) {
        armed(Failpoint.REPLICA_MERGE_AFTER, new FailpointAction.Crash()).fire(Failpoint.REPLICA_MERGE_AFTER);

        assertThat(halts).containsExactly(137);
        assertThat(output).contains("ERROR").contains("failpoint replica-merge.after: crashing");
    }

    @Test
    void errorFailsTheStepAsAStorageFailureNamingTheFailpoint() {
        Failpoints failpoints = armed(Failpoint.COORDINATE_BEFORE, new FailpointAction.IoError());

        assertThatThrownBy(() -> failpoints.fire(Failpoint.COORDINATE_BEFORE))
                .isInstanceOf(StorageException.class).isInstanceOf(FailpointException.class)
                .hasMessage("failpoint coordinate.before: injected I/O error");
        assertThatThrownBy(() -> failpoints.fire(Failpoint.COORDINATE_BEFORE))
                .as("every time the step runs").isInstanceOf(FailpointException.class);
        assertThat(halts).isEmpty();
    }

    @Test
    void delayStallsTheStepForItsDuration() {
        Failpoints failpoints = armed(Failpoint.MERKLE_PUSH_BEFORE, new FailpointAction.Delay(Duration.ofMillis(200)));

        long start = System.nanoTime();
        failpoints.fire(Failpoint.MERKLE_PUSH_BEFORE);
        long stalled = System.nanoTime() - start;

        assertThat(Duration.ofNanos(stalled)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
        assertThat(halts).isEmpty();
    }

    @Test
    void anInterruptedDelayReturnsWithTheInterruptKept() {
        Failpoints failpoints = armed(Failpoint.MERKLE_PUSH_BEFORE, new FailpointAction.Delay(Duration.ofHours(1)));

        Thread.currentThread().interrupt();
        failpoints.fire(Failpoint.MERKLE_PUSH_BEFORE);

        assertThat(Thread.interrupted()).isTrue();
    }
}
