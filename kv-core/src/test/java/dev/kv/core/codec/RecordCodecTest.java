package dev.kv.core.codec;

import dev.kv.core.Limits;
import dev.kv.core.record.Record;
import dev.kv.core.record.Sibling;
import dev.kv.core.version.Dot;
import dev.kv.core.version.HybridLogicalClock;
import dev.kv.core.version.VersionVector;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RecordCodecTest {

    private static final VersionVector CLOCK = VersionVector.of(List.of(new VersionVector.Entry("n1:1", 2, 1_000),
            new VersionVector.Entry("n2:1", 1, 1_001)));

    private static final Record SAMPLE = new Record(CLOCK, List.of(
            new Sibling(new Dot("n1:1", 2), HybridLogicalClock.pack(1_000, 1), 5_000, false, "text/plain",
                    "hi".getBytes(StandardCharsets.UTF_8)),
            new Sibling(new Dot("n2:1", 1), HybridLogicalClock.pack(1_001, 0), Sibling.NO_EXPIRY, true, "", null)));

    /** Bytes written with the codec's own primitives, for hand-made (and hand-broken) input. */
    private static byte[] bytes(Consumer<ByteWriter> content) {
        ByteWriter out = new ByteWriter(64);
        content.accept(out);
        return out.toByteArray();
    }

    private static void clockEntry(ByteWriter out, String actor, long counter) {
        out.writeString(actor);
        out.writeVarLong(counter);
        out.writeVarLong(0);
    }

    /** A record of format 1 with a one-entry clock {n1:1=1} and one sibling whose fields the caller writes. */
    private static byte[] oneSibling(Consumer<ByteWriter> sibling) {
        return bytes(out -> {
            out.writeByte(1);
            out.writeVarLong(1);
            clockEntry(out, "n1:1", 1);
            out.writeVarLong(1);
            sibling.accept(out);
        });
    }

    private static void validSibling(ByteWriter out, long counter, long expiresAt, int flags, String type,
                                     byte[] value) {
        out.writeVarLong(0);
        out.writeVarLong(counter);
        out.writeLong(42);
        out.writeVarLong(expiresAt);
        out.writeByte(flags);
        out.writeString(type);
        out.writeBytes(value);
    }

    private static void assertCorrupt(byte[] bytes, String messagePart) {
        assertThatThrownBy(() -> RecordCodec.decode(bytes)).isExactlyInstanceOf(CorruptDataException.class)
                .hasMessageContaining(messagePart);
    }

    @Test
    void aRecordRoundTripsWithItsClockBookkeeping() {
        Record decoded = RecordCodec.decode(RecordCodec.encode(SAMPLE));
        assertThat(decoded).isEqualTo(SAMPLE);
        assertThat(decoded.clock().entries()).isEqualTo(SAMPLE.clock().entries());
        assertThat(RecordCodec.decode(RecordCodec.encode(Record.EMPTY))).isEqualTo(Record.EMPTY);
    }

    @Test
    void theFormatIsPinnedByteForByte() {
        // The on-disk format: changing it needs a new format byte and a migration, never a silent change.
        assertThat(HexFormat.of().formatHex(RecordCodec.encode(Record.EMPTY))).isEqualTo("010000");
        assertThat(HexFormat.of().formatHex(RecordCodec.encode(SAMPLE))).isEqualTo("01"
                + "02" + "046e313a31" + "02" + "e807" + "046e323a31" + "01" + "e907"
                + "02"
                + "00" + "02" + "0000000003e80001" + "8827" + "00" + "0a746578742f706c61696e" + "026869"
                + "01" + "01" + "0000000003e90000" + "00" + "01" + "00" + "00");
    }

    @Test
    void aWrongFormatByteIsCorrupt() {
        byte[] valid = RecordCodec.encode(SAMPLE);
        for (int format : new int[] {0, 2, 0x7f, 0xff}) {
            byte[] wrong = valid.clone();
            wrong[0] = (byte) format;
            assertCorrupt(wrong, "format");
        }
        assertCorrupt(new byte[0], "truncated");
    }

    @Test
    void everyTruncationOfAValidRecordIsCorrupt() {
        byte[] valid = RecordCodec.encode(SAMPLE);
        for (int length = 0; length < valid.length; length++) {
            assertCorrupt(Arrays.copyOf(valid, length), "");
        }
    }

    @Test
    void trailingBytesAreCorrupt() {
        byte[] valid = RecordCodec.encode(SAMPLE);
        assertCorrupt(Arrays.copyOf(valid, valid.length + 1), "trailing");
    }

    @Test
    void clockEntriesOutOfOrderOrRepeatedAreCorrupt() {
        assertCorrupt(bytes(out -> {
            out.writeByte(1);
            out.writeVarLong(2);
            clockEntry(out, "n2:1", 1);
            clockEntry(out, "n1:1", 1);
            out.writeVarLong(0);
        }), "out of order");
        assertCorrupt(bytes(out -> {
            out.writeByte(1);
            out.writeVarLong(2);
            clockEntry(out, "n1:1", 1);
            clockEntry(out, "n1:1", 2);
            out.writeVarLong(0);
        }), "out of order");
    }

    @Test
    void countsAndLengthsAboveTheLimitsAreCorruptWithoutAllocatingForThem() {
        assertCorrupt(bytes(out -> {
            out.writeByte(1);
            out.writeVarLong(Limits.CLOCK_ENTRIES_HARD_MAX + 1);
        }), "clock entry count");
        assertCorrupt(bytes(out -> {
            out.writeByte(1);
            out.writeVarLong(0);
            out.writeVarLong(Limits.SIBLINGS_MAX * 2 + 1);
        }), "sibling count");
        assertCorrupt(bytes(out -> {
            out.writeByte(1);
            out.writeVarLong(1);
            out.writeVarLong(Limits.ACTOR_BYTES_MAX + 1);
        }), "actor");
        assertCorrupt(oneSibling(out -> validSibling(out, 1, 0, 0, "x".repeat(Limits.CONTENT_TYPE_BYTES_MAX + 1),
                new byte[0])), "content type");
        assertCorrupt(oneSibling(out -> {
            out.writeVarLong(0);
            out.writeVarLong(1);
            out.writeLong(42);
            out.writeVarLong(0);
            out.writeByte(0);
            out.writeString("");
            out.writeVarLong(Long.MAX_VALUE);
        }), "value");
        // A value length within the hard limit but beyond the input is truncation, detected before allocating.
        assertCorrupt(oneSibling(out -> {
            out.writeVarLong(0);
            out.writeVarLong(1);
            out.writeLong(42);
            out.writeVarLong(0);
            out.writeByte(0);
            out.writeString("");
            out.writeVarLong(Limits.VALUE_BYTES_HARD_MAX);
        }), "truncated");
    }

    @Test
    void aVarintLongerThanTenBytesIsCorrupt() {
        byte[] overlong = new byte[12];
        overlong[0] = 1;
        Arrays.fill(overlong, 1, 12, (byte) 0x80);
        assertCorrupt(overlong, "varint");
    }

    @Test
    void contentThatBreaksARecordInvariantIsCorrupt() {
        assertCorrupt(oneSibling(out -> validSibling(out, 2, 0, 0, "", new byte[0])), "not covered");
        assertCorrupt(oneSibling(out -> validSibling(out, 0, 0, 0, "", new byte[0])), "counter");
        assertCorrupt(oneSibling(out -> validSibling(out, 1, 0, 1, "", new byte[] {1})), "tombstone");
        assertCorrupt(oneSibling(out -> validSibling(out, 1, -1, 0, "", new byte[0])), "expiry");
        assertCorrupt(oneSibling(out -> {
            out.writeVarLong(1);
            out.writeVarLong(1);
        }), "actor index");
        assertCorrupt(bytes(out -> {
            out.writeByte(1);
            out.writeVarLong(0);
            out.writeVarLong(1);
            out.writeVarLong(0);
        }), "actor index");
        assertCorrupt(bytes(out -> {
            out.writeByte(1);
            out.writeVarLong(1);
            clockEntry(out, "", 1);
            out.writeVarLong(0);
        }), "actor");
        assertCorrupt(bytes(out -> {
            out.writeByte(1);
            out.writeVarLong(1);
            clockEntry(out, "n1:1", 0);
            out.writeVarLong(0);
        }), "positive");
        assertCorrupt(bytes(out -> {
            out.writeByte(1);
            out.writeVarLong(1);
            out.writeBytes(new byte[] {(byte) 0xc3, 0x28});
            out.writeVarLong(1);
            out.writeVarLong(0);
            out.writeVarLong(0);
        }), "UTF-8");
        byte[] duplicate = bytes(out -> {
            out.writeByte(1);
            out.writeVarLong(1);
            clockEntry(out, "n1:1", 1);
            out.writeVarLong(2);
            validSibling(out, 1, 0, 0, "", new byte[] {1});
            validSibling(out, 1, 0, 0, "", new byte[] {2});
        });
        assertCorrupt(duplicate, "duplicate");
    }

    @Test
    void contextsRoundTripAsBytesAndAsHeaderSafeTokens() {
        assertThat(RecordCodec.decodeContext(RecordCodec.encodeContext(CLOCK))).isEqualTo(CLOCK);
        String token = RecordCodec.contextToken(CLOCK);
        assertThat(token).matches("[A-Za-z0-9_-]+");
        assertThat(RecordCodec.parseContextToken(token)).isEqualTo(CLOCK);
        assertThat(RecordCodec.parseContextToken(" " + token + "\t")).isEqualTo(CLOCK);
        assertThat(RecordCodec.parseContextToken(RecordCodec.contextToken(VersionVector.EMPTY)))
                .isEqualTo(VersionVector.EMPTY);
    }

    @Test
    void badContextsAndTokensAreCorrupt() {
        for (String token : new String[] {"", "!!!", "a b", "AQ=x", "Ag", RecordCodec.contextToken(CLOCK) + "A"}) {
            assertThatThrownBy(() -> RecordCodec.parseContextToken(token))
                    .as("token '%s'", token).isExactlyInstanceOf(CorruptDataException.class);
        }
        byte[] context = RecordCodec.encodeContext(CLOCK);
        assertThatThrownBy(() -> RecordCodec.decodeContext(Arrays.copyOf(context, context.length - 1)))
                .isExactlyInstanceOf(CorruptDataException.class);
        assertThatThrownBy(() -> RecordCodec.decodeContext(Arrays.copyOf(context, context.length + 1)))
                .isExactlyInstanceOf(CorruptDataException.class).hasMessageContaining("trailing");
        // A record is not a context: the clock is followed by the sibling count.
        assertThatThrownBy(() -> RecordCodec.decodeContext(RecordCodec.encode(SAMPLE)))
                .isExactlyInstanceOf(CorruptDataException.class);
    }

    /**
     * Paired validation: a record that {@link RecordCodec#decode} would refuse must be refused by
     * {@link RecordCodec#encode} too, before it reaches the disk. Otherwise, for example, a client's 300-byte
     * Content-Type is stored and the key can never be read (or overwritten, since a write reads it first) again.
     */
    @Test
    void aRecordTheDecoderWouldRefuseIsRefusedWhenEncoded() {
        VersionVector one = VersionVector.of(List.of(new VersionVector.Entry("n1:1", 1, 0)));
        Record longType = new Record(one, List.of(new Sibling(new Dot("n1:1", 1), 0, 0, false,
                "x".repeat(Limits.CONTENT_TYPE_BYTES_MAX + 1), new byte[0])));
        assertThatThrownBy(() -> RecordCodec.encode(longType)).isExactlyInstanceOf(CorruptDataException.class)
                .hasMessageContaining("content type");
        Record longestType = new Record(one, List.of(new Sibling(new Dot("n1:1", 1), 0, 0, false,
                "é".repeat(Limits.CONTENT_TYPE_BYTES_MAX / 2), new byte[0])));
        assertThat(RecordCodec.decode(RecordCodec.encode(longestType))).isEqualTo(longestType);

        Record hugeValue = new Record(one, List.of(new Sibling(new Dot("n1:1", 1), 0, 0, false, "",
                new byte[Limits.VALUE_BYTES_HARD_MAX + 1])));
        assertThatThrownBy(() -> RecordCodec.encode(hugeValue)).isExactlyInstanceOf(CorruptDataException.class)
                .hasMessageContaining("value");

        List<VersionVector.Entry> entries = new ArrayList<>();
        for (int i = 0; i <= Limits.CLOCK_ENTRIES_HARD_MAX; i++) {
            entries.add(new VersionVector.Entry("n" + i + ":1", 1, 0));
        }
        VersionVector huge = VersionVector.of(entries);
        assertThatThrownBy(() -> RecordCodec.encode(new Record(huge, List.of())))
                .isExactlyInstanceOf(CorruptDataException.class).hasMessageContaining("clock");
        assertThatThrownBy(() -> RecordCodec.encodeContext(huge))
                .isExactlyInstanceOf(CorruptDataException.class).hasMessageContaining("clock");

        VersionVector many = VersionVector.of(List.of(new VersionVector.Entry("n1:1", 100, 0)));
        List<Sibling> siblings = new ArrayList<>();
        for (int i = 1; i <= Limits.SIBLINGS_MAX * 2 + 1; i++) {
            siblings.add(new Sibling(new Dot("n1:1", i), 0, 0, false, "", new byte[0]));
        }
        assertThatThrownBy(() -> RecordCodec.encode(new Record(many, siblings)))
                .isExactlyInstanceOf(CorruptDataException.class).hasMessageContaining("sibling");
    }
}
