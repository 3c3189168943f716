package dev.kv.core.record;

import dev.kv.core.version.Dot;
import dev.kv.core.version.HybridLogicalClock;
import dev.kv.core.version.VersionVector;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class RecordTest {

    private static VersionVector clock(String actor, long counter) {
        return VersionVector.of(List.of(new VersionVector.Entry(actor, counter, 0)));
    }

    private static Sibling sibling(String actor, long counter, byte... value) {
        return new Sibling(new Dot(actor, counter), 1, Sibling.NO_EXPIRY, false, "text/plain", value);
    }

    @Test
    void everySiblingMustBeCoveredByTheClock() {
        assertThatIllegalArgumentException().isThrownBy(() -> new Record(clock("n1:1", 1),
                List.of(sibling("n1:1", 2)))).withMessageContaining("not covered");
        assertThatIllegalArgumentException().isThrownBy(() -> new Record(VersionVector.EMPTY,
                List.of(sibling("n1:1", 1))));
    }

    @Test
    void twoSiblingsWithTheSameDotAreRefused() {
        assertThatIllegalArgumentException().isThrownBy(() -> new Record(clock("n1:1", 1),
                List.of(sibling("n1:1", 1, (byte) 1), sibling("n1:1", 1, (byte) 2))))
                .withMessageContaining("duplicate");
    }

    @Test
    void siblingsAreSortedByDotSoEqualRecordsAreEqualObjects() {
        VersionVector clock = VersionVector.of(List.of(new VersionVector.Entry("a", 2, 0),
                new VersionVector.Entry("b", 1, 0)));
        Record one = new Record(clock, List.of(sibling("b", 1), sibling("a", 2), sibling("a", 1)));
        Record other = new Record(clock, List.of(sibling("a", 1), sibling("a", 2), sibling("b", 1)));
        assertThat(one.siblings()).extracting(Sibling::dot)
                .containsExactly(new Dot("a", 1), new Dot("a", 2), new Dot("b", 1));
        assertThat(one).isEqualTo(other).hasSameHashCodeAs(other);
        assertThat(one.sameVersionAs(other)).isTrue();
    }

    @Test
    void sameVersionComparesHistoryAndDotsButNotContent() {
        Record one = new Record(clock("a", 1), List.of(sibling("a", 1, (byte) 1)));
        Record otherContent = new Record(clock("a", 1), List.of(sibling("a", 1, (byte) 2)));
        Record moreHistory = new Record(clock("a", 2), List.of(sibling("a", 1, (byte) 1)));
        assertThat(one.sameVersionAs(otherContent)).isTrue();
        assertThat(one).isNotEqualTo(otherContent);
        assertThat(one.sameVersionAs(moreHistory)).isFalse();
        assertThat(one.sameVersionAs(Record.EMPTY)).isFalse();
    }

    @Test
    void aRecordIsDeadWhenEverySiblingIsATombstoneOrExpired() {
        Sibling tombstone = new Sibling(new Dot("a", 1), HybridLogicalClock.pack(700, 0), Sibling.NO_EXPIRY, true, "",
                null);
        Sibling expiring = new Sibling(new Dot("a", 2), 0, 900, false, "", new byte[] {1});
        Record record = new Record(clock("a", 2), List.of(tombstone, expiring));
        assertThat(record.isDeadAt(899)).isFalse();
        assertThat(record.liveSiblings(899)).containsExactly(expiring);
        assertThat(record.isDeadAt(900)).isTrue();
        assertThat(record.diedAtMillis()).isEqualTo(900);
        assertThat(new Record(clock("a", 1), List.of(tombstone)).diedAtMillis()).isEqualTo(700);
        assertThat(Record.EMPTY.isDeadAt(0)).isTrue();
        assertThat(Record.EMPTY.isEmpty()).isTrue();
    }

    @Test
    void aTombstoneCarriesNoValueAndExpiriesAreNotNegative() {
        assertThatIllegalArgumentException().isThrownBy(() -> new Sibling(new Dot("a", 1), 0, 0, true, "",
                new byte[] {1}));
        assertThatIllegalArgumentException().isThrownBy(() -> new Sibling(new Dot("a", 1), 0, -1, false, "",
                new byte[0]));
        Sibling defaults = new Sibling(new Dot("a", 1), 0, 0, false, null, null);
        assertThat(defaults.contentType()).isEmpty();
        assertThat(defaults.value()).isEmpty();
        assertThat(defaults.hasExpiry()).isFalse();
        assertThat(defaults.isDeadAt(Long.MAX_VALUE)).isFalse();
    }

    @Test
    void siblingsAreEqualByContentIncludingTheValueBytes() {
        assertThat(sibling("a", 1, (byte) 1, (byte) 2)).isEqualTo(sibling("a", 1, (byte) 1, (byte) 2))
                .hasSameHashCodeAs(sibling("a", 1, (byte) 1, (byte) 2))
                .isNotEqualTo(sibling("a", 1, (byte) 1, (byte) 3));
    }

    @Test
    void conflictModesParseFromTheirWireNames() {
        assertThat(ConflictMode.parse("vector-clock")).isEqualTo(ConflictMode.VECTOR_CLOCK);
        assertThat(ConflictMode.parse(" VECTOR_CLOCK ")).isEqualTo(ConflictMode.VECTOR_CLOCK);
        assertThat(ConflictMode.parse("lww")).isEqualTo(ConflictMode.LWW);
        assertThatIllegalArgumentException().isThrownBy(() -> ConflictMode.parse("crdt"))
                .withMessageContaining("crdt");
        assertThat(ConflictMode.LWW.versioning()).isInstanceOf(LastWriteWins.class);
        assertThat(ConflictMode.VECTOR_CLOCK.versioning()).isInstanceOf(DottedVersioning.class);
    }
}
