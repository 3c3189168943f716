package dev.kv.core.codec;

import dev.kv.core.Limits;
import dev.kv.core.record.Record;
import dev.kv.core.record.ReplicaHistory;
import dev.kv.core.record.Sibling;
import dev.kv.core.version.Dot;
import dev.kv.core.version.VersionVector;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The binary format round-trips every valid record and context, and refuses everything else with
 * {@link CorruptDataException}: never another exception, never a record that breaks an invariant.
 */
class RecordCodecProperties {

    /** Valid Unicode without surrogate pairs broken apart: ASCII, Latin, CJK and emoji. */
    private static Arbitrary<String> unicodeText(int maxLength) {
        Arbitrary<String> pieces = Arbitraries.oneOf(
                Arbitraries.strings().ascii().ofMaxLength(4),
                Arbitraries.strings().withCharRange('\u00a0', '\u024f').ofMaxLength(3),
                Arbitraries.strings().withCharRange('\u4e00', '\u4fff').ofMaxLength(3),
                Arbitraries.of("🚀", "👩‍💻", "\u0000", "é", "ü"));
        return pieces.list().ofMaxSize(maxLength).map(list -> String.join("", list));
    }

    private static Arbitrary<String> contentTypes() {
        return unicodeText(12).filter(text -> text.getBytes(StandardCharsets.UTF_8).length
                <= Limits.CONTENT_TYPE_BYTES_MAX);
    }

    private static Arbitrary<String> actors() {
        return Arbitraries.oneOf(Arbitraries.of("n1:1", "n2:1", "n3:1", "kv-node-0:1732000000000"),
                unicodeText(6).filter(text -> !text.isEmpty()
                        && text.getBytes(StandardCharsets.UTF_8).length <= Limits.ACTOR_BYTES_MAX));
    }

    private static Arbitrary<VersionVector> clocks(int maxEntries) {
        Arbitrary<VersionVector.Entry> entry = Combinators.combine(actors(),
                        Arbitraries.oneOf(Arbitraries.longs().between(1, 1000),
                                Arbitraries.longs().between(1, Long.MAX_VALUE)),
                        Arbitraries.longs())
                .as(VersionVector.Entry::new);
        return entry.list().ofMaxSize(maxEntries).map(VersionVector::of);
    }

    /** A sibling template: which clock actor, which counter below the actor's, and the rest of its fields. */
    private record SiblingSpec(int actorPick, long counterPick, long timestamp, long expiresAt, boolean tombstone,
                               String contentType, byte[] value) {
    }

    /**
     * Records built field by field, reaching corners the histories do not: huge counters and timestamps, expiries
     * up to {@code Long.MAX_VALUE}, unicode actors and content types, empty values, many siblings.
     */
    @Provide
    Arbitrary<Record> constructedRecords() {
        Arbitrary<SiblingSpec> sibling = Combinators.combine(Arbitraries.integers().greaterOrEqual(0),
                Arbitraries.longs().greaterOrEqual(0), Arbitraries.longs(),
                Arbitraries.oneOf(Arbitraries.just(Sibling.NO_EXPIRY), Arbitraries.longs().greaterOrEqual(0)),
                Arbitraries.of(false, true), contentTypes(),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(40)).as(SiblingSpec::new);
        return Combinators.combine(clocks(8), sibling.list().ofMaxSize(Limits.SIBLINGS_MAX))
                .as(RecordCodecProperties::record);
    }

    private static Record record(VersionVector clock, List<SiblingSpec> specs) {
        List<VersionVector.Entry> entries = clock.entries();
        List<Sibling> siblings = new ArrayList<>();
        Set<Dot> dots = new HashSet<>();
        if (!entries.isEmpty()) {
            for (SiblingSpec spec : specs) {
                VersionVector.Entry entry = entries.get(spec.actorPick() % entries.size());
                Dot dot = new Dot(entry.actor(), 1 + Math.floorMod(spec.counterPick(), entry.counter()));
                if (dots.add(dot)) {
                    // Half the siblings carry a client write id, from any 64 bits (including negative ones).
                    long writeId = spec.actorPick() % 2 == 0 ? 0 : spec.counterPick() ^ spec.timestamp();
                    siblings.add(new Sibling(dot, spec.timestamp(), spec.expiresAt(), spec.tombstone(),
                            spec.contentType(), spec.tombstone() ? new byte[0] : spec.value(), writeId));
                }
            }
        }
        return new Record(clock, siblings);
    }

    @Provide
    Arbitrary<Record> records() {
        Arbitrary<Record> fromHistories = Combinators.combine(ReplicaHistory.histories(true, 20),
                Arbitraries.integers()).as(ReplicaHistory::state);
        return Arbitraries.oneOf(constructedRecords(), fromHistories);
    }

    @Property(tries = 500)
    void everyRecordRoundTrips(@ForAll("records") Record record) {
        byte[] bytes = RecordCodec.encode(record);
        Record decoded = RecordCodec.decode(bytes);
        assertThat(decoded).isEqualTo(record);
        assertThat(decoded.clock().entries()).isEqualTo(record.clock().entries());
        assertThat(RecordCodec.encode(decoded)).isEqualTo(bytes);
    }

    @Property(tries = 200)
    void aBatchBuiltFromStoredEncodingsIsTheBatchOfTheRecords(@ForAll("recordLists") List<Record> records) {
        List<RecordBatchCodec.KeyedRecord> keyed = new ArrayList<>();
        RecordBatchCodec.Writer writer = new RecordBatchCodec.Writer(16);
        for (int i = 0; i < records.size(); i++) {
            byte[] key = ("k" + i).getBytes(StandardCharsets.UTF_8);
            keyed.add(new RecordBatchCodec.KeyedRecord(key, records.get(i)));
            writer.addEncoded(key, RecordCodec.encode(records.get(i)));
        }

        byte[] batch = writer.toByteArray();

        assertThat(batch).isEqualTo(RecordBatchCodec.encode(keyed));
        assertThat(RecordBatchCodec.decode(batch)).extracting(RecordBatchCodec.KeyedRecord::record)
                .containsExactlyElementsOf(records);
    }

    @Property(tries = 500)
    void everyContextRoundTripsAsBytesAndAsAToken(@ForAll("contexts") VersionVector context) {
        assertThat(RecordCodec.decodeContext(RecordCodec.encodeContext(context))).isEqualTo(context);
        assertThat(RecordCodec.decodeContext(RecordCodec.encodeContext(context)).entries())
                .isEqualTo(context.entries());
        String token = RecordCodec.contextToken(context);
        assertThat(token).matches("[A-Za-z0-9_-]*");
        assertThat(RecordCodec.parseContextToken(token)).isEqualTo(context);
    }

    @Provide
    Arbitrary<List<Record>> recordLists() {
        return records().list().ofMaxSize(150);
    }

    @Provide
    Arbitrary<VersionVector> contexts() {
        return clocks(Limits.CLOCK_ENTRIES_HARD_MAX);
    }

    /** Decodes {@code bytes}; either refuses them as corrupt or returns a valid record that re-encodes faithfully. */
    private static void decodesToAValidRecordOrIsCorrupt(byte[] bytes) {
        Record decoded;
        try {
            decoded = RecordCodec.decode(bytes);
        } catch (CorruptDataException expected) {
            // A message of "null" would mean a NullPointerException was caught and relabelled: a decoder bug.
            assertThat(expected).hasMessageNotContaining("null");
            return;
        }
        // The record constructor has checked coverage and uniqueness; the re-encoding must pass the decoder again.
        for (Sibling sibling : decoded.siblings()) {
            assertThat(decoded.clock().covers(sibling.dot())).isTrue();
            assertThat(sibling.tombstone() && sibling.value().length > 0).isFalse();
        }
        assertThat(decoded.clock().size()).isLessThanOrEqualTo(Limits.CLOCK_ENTRIES_HARD_MAX);
        assertThat(RecordCodec.decode(RecordCodec.encode(decoded))).isEqualTo(decoded);
    }

    @Property
    void randomBytesDecodeToAValidRecordOrAreCorrupt(@ForAll @Size(max = 200) byte[] bytes) {
        decodesToAValidRecordOrIsCorrupt(bytes);
    }

    @Property
    void randomBytesAfterTheFormatByteDecodeToAValidRecordOrAreCorrupt(@ForAll @Size(max = 200) byte[] tail) {
        byte[] bytes = new byte[tail.length + 1];
        bytes[0] = 1;
        System.arraycopy(tail, 0, bytes, 1, tail.length);
        decodesToAValidRecordOrIsCorrupt(bytes);
    }

    @Property(tries = 500)
    void aValidRecordWithOneByteChangedDecodesToAValidRecordOrIsCorrupt(
            @ForAll("records") Record record, @ForAll int position, @ForAll byte replacement) {
        byte[] bytes = RecordCodec.encode(record);
        bytes[Math.floorMod(position, bytes.length)] = replacement;
        decodesToAValidRecordOrIsCorrupt(bytes);
    }

    @Property(tries = 300)
    void aValidRecordWithBytesInsertedOrRemovedDecodesToAValidRecordOrIsCorrupt(
            @ForAll("records") Record record, @ForAll int position, @ForAll @Size(min = 1, max = 4) byte[] inserted,
            @ForAll boolean insert) {
        byte[] bytes = RecordCodec.encode(record);
        int at = Math.floorMod(position, bytes.length);
        byte[] changed;
        if (insert) {
            changed = new byte[bytes.length + inserted.length];
            System.arraycopy(bytes, 0, changed, 0, at);
            System.arraycopy(inserted, 0, changed, at, inserted.length);
            System.arraycopy(bytes, at, changed, at + inserted.length, bytes.length - at);
        } else {
            int removed = Math.min(inserted.length, bytes.length - at);
            changed = new byte[bytes.length - removed];
            System.arraycopy(bytes, 0, changed, 0, at);
            System.arraycopy(bytes, at + removed, changed, at, bytes.length - at - removed);
        }
        decodesToAValidRecordOrIsCorrupt(changed);
    }

    @Property(tries = 300)
    void everyTruncationAndEveryExtensionOfAValidRecordIsCorrupt(@ForAll("records") Record record,
                                                                 @ForAll int cut,
                                                                 @ForAll @Size(min = 1, max = 8) byte[] extra) {
        byte[] bytes = RecordCodec.encode(record);
        byte[] truncated = Arrays.copyOf(bytes, Math.floorMod(cut, bytes.length));
        assertThatThrownBy(() -> RecordCodec.decode(truncated)).isExactlyInstanceOf(CorruptDataException.class);
        byte[] extended = Arrays.copyOf(bytes, bytes.length + extra.length);
        System.arraycopy(extra, 0, extended, bytes.length, extra.length);
        assertThatThrownBy(() -> RecordCodec.decode(extended)).isExactlyInstanceOf(CorruptDataException.class)
                .hasMessageContaining("trailing");
    }

    @Property
    void randomContextBytesAndTokensDecodeOrAreCorrupt(@ForAll @Size(max = 100) byte[] bytes,
                                                       @ForAll @Size(max = 60) String token) {
        for (Runnable decode : List.<Runnable>of(() -> RecordCodec.decodeContext(bytes),
                () -> RecordCodec.parseContextToken(token),
                () -> RecordCodec.parseContextToken(Base64.getUrlEncoder().encodeToString(bytes)))) {
            try {
                decode.run();
            } catch (CorruptDataException expected) {
                // refused as corrupt: the only acceptable failure
            }
        }
        byte[] withFormat = bytes.clone();
        if (withFormat.length > 0) {
            withFormat[0] = 1;
            try {
                VersionVector context = RecordCodec.decodeContext(withFormat);
                assertThat(RecordCodec.decodeContext(RecordCodec.encodeContext(context))).isEqualTo(context);
            } catch (CorruptDataException expected) {
                // refused as corrupt
            }
        }
    }
}
