package dev.kv.node.faults;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The failpoint configuration is read entry by entry, and every name and action is checked against the known ones. */
class FailpointSpecTest {

    @Test
    void eachEntryArmsItsFailpointWithItsAction() {
        Map<Failpoint, FailpointAction> armed = FailpointSpec.parse(List.of("replica-merge.after=crash",
                " hint-store.before = error ", "merkle-push.before=delay:200ms", "tombstone-purge.after=delay:1s"));

        assertThat(armed).containsExactlyInAnyOrderEntriesOf(Map.of(
                Failpoint.REPLICA_MERGE_AFTER, new FailpointAction.Crash(),
                Failpoint.HINT_STORE_BEFORE, new FailpointAction.IoError(),
                Failpoint.MERKLE_PUSH_BEFORE, new FailpointAction.Delay(Duration.ofMillis(200)),
                Failpoint.TOMBSTONE_PURGE_AFTER, new FailpointAction.Delay(Duration.ofSeconds(1))));
        assertThat(armed.toString()).contains("replica-merge.after=crash", "merkle-push.before=delay:200ms");
    }

    @Test
    void nothingConfiguredArmsNothing() {
        assertThat(FailpointSpec.parse(List.of())).isEmpty();
        assertThat(FailpointSpec.parse(List.of(" "))).isEmpty();
    }

    /** Every failpoint the call sites use has a name of its own, and the names read back as the constants. */
    @Test
    void everyFailpointIsFoundByItsName() {
        for (Failpoint point : Failpoint.values()) {
            assertThat(Failpoint.named(point.toString())).isEqualTo(point);
        }
        assertThat(Failpoint.known()).contains("replica-merge.before", "coordinate.after", "hint-deliver.after",
                "merkle-pull.before", "stream-chunk.after", "tombstone-purge.before");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            replica-merge.durring=crash          | unknown failpoint 'replica-merge.durring' (known: replica-merge.
            replica-merge.after=explode          | replica-merge.after: unknown action 'explode' (expected crash, error
            replica-merge.after=delay:soon       | replica-merge.after: 'delay:soon' is not a delay (e.g. delay:200ms)
            replica-merge.after=delay:-5ms       | replica-merge.after: 'delay:-5ms' is a negative delay
            replica-merge.after                  | 'replica-merge.after' is not name=action
            """)
    void aMalformedEntryIsRefusedWithWhatIsWrong(String entry, String message) {
        assertThatThrownBy(() -> FailpointSpec.parse(List.of(entry)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
    }

    @Test
    void aFailpointArmedTwiceIsRefused() {
        assertThatThrownBy(() -> FailpointSpec.parse(List.of("coordinate.before=crash", "coordinate.before=error")))
                .hasMessage("coordinate.before is armed twice");
    }
}
