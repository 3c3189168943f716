package dev.kv.core.codec;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * A batch of replica calls and its answers round-trip exactly, every field of every call kind included; anything else
 * (truncated, padded, oversized, a wrong answer count) is refused with {@link CorruptDataException}, never another
 * exception.
 */
class ReplicaBatchCodecProperties {

    private static final int PAYLOAD_MAX = 4096;

    private static Arbitrary<byte[]> bytes(int min, int max) {
        return Arbitraries.bytes().array(byte[].class).ofMinSize(min).ofMaxSize(max);
    }

    private static Arbitrary<String> topologies() {
        return Arbitraries.oneOf(Arbitraries.just(null), Arbitraries.of("3:7:1a2b3c4d", "12:0:ffffffff"));
    }

    private static Arbitrary<String> optionalText(int max) {
        return Arbitraries.oneOf(Arbitraries.just(null), Arbitraries.strings().ofMaxLength(max));
    }

    @Provide
    Arbitrary<List<ReplicaBatchCodec.Op>> batches() {
        Arbitrary<ReplicaBatchCodec.Op> read = Combinators.combine(bytes(1, 64), topologies())
                .as(ReplicaBatchCodec.Read::new);
        Arbitrary<ReplicaBatchCodec.Op> merge = Combinators.combine(bytes(1, 64), topologies(), bytes(0, PAYLOAD_MAX))
                .as(ReplicaBatchCodec.Merge::new);
        Arbitrary<ReplicaBatchCodec.Op> coordinate = Combinators.combine(
                Combinators.combine(bytes(1, 64), topologies(), Arbitraries.of(true, false),
                        Arbitraries.oneOf(Arbitraries.just(null), Arbitraries.longs().between(1, 1L << 40)))
                        .as((a, b, c, d) -> Arrays.<Object>asList(a, b, c, d)),
                Combinators.combine(optionalText(40), optionalText(200), Arbitraries.longs(), Arbitraries.longs(),
                        Arbitraries.of(true, false), bytes(0, PAYLOAD_MAX))
                        .as((a, b, c, d, e, f) -> Arrays.<Object>asList(a, b, c, d, e, f)))
                .as((head, tail) -> new ReplicaBatchCodec.Coordinate((byte[]) head.get(0), (String) head.get(1),
                        (Boolean) head.get(2), (Long) head.get(3), (String) tail.get(0), (String) tail.get(1),
                        (Long) tail.get(2), (Long) tail.get(3), (Boolean) tail.get(4), (byte[]) tail.get(5)));
        return Arbitraries.oneOf(read, merge, coordinate).list().ofMaxSize(40);
    }

    @Property
    void requestsRoundTrip(@ForAll("batches") List<ReplicaBatchCodec.Op> ops) {
        List<ReplicaBatchCodec.Op> decoded = ReplicaBatchCodec.decodeRequest(ReplicaBatchCodec.encodeRequest(ops),
                PAYLOAD_MAX);
        assertThat(decoded).hasSameSizeAs(ops);
        for (int i = 0; i < ops.size(); i++) {
            assertSame(decoded.get(i), ops.get(i));
        }
    }

    private static void assertSame(ReplicaBatchCodec.Op actual, ReplicaBatchCodec.Op expected) {
        assertThat(actual.getClass()).isEqualTo(expected.getClass());
        assertThat(actual.key()).isEqualTo(expected.key());
        assertThat(actual.topology()).isEqualTo(expected.topology());
        switch (expected) {
            case ReplicaBatchCodec.Read read -> { }
            case ReplicaBatchCodec.Merge merge ->
                    assertThat(((ReplicaBatchCodec.Merge) actual).record()).isEqualTo(merge.record());
            case ReplicaBatchCodec.Coordinate write -> {
                ReplicaBatchCodec.Coordinate got = (ReplicaBatchCodec.Coordinate) actual;
                assertThat(got.delete()).isEqualTo(write.delete());
                assertThat(got.ttlSeconds()).isEqualTo(write.ttlSeconds());
                assertThat(got.contentType()).isEqualTo(write.contentType());
                assertThat(got.context()).isEqualTo(write.context());
                assertThat(got.writeId()).isEqualTo(write.writeId());
                assertThat(got.deadlineMillis()).isEqualTo(write.deadlineMillis());
                assertThat(got.reattempt()).isEqualTo(write.reattempt());
                assertThat(got.value()).isEqualTo(write.value());
            }
        }
    }

    @Property
    void answersRoundTrip(@ForAll("answers") List<ReplicaBatchCodec.Result> results) {
        List<ReplicaBatchCodec.Result> decoded = ReplicaBatchCodec.decodeResponse(
                ReplicaBatchCodec.encodeResponse(results), results.size());
        assertThat(decoded).hasSameSizeAs(results);
        for (int i = 0; i < results.size(); i++) {
            assertThat(decoded.get(i).status()).isEqualTo(results.get(i).status());
            assertThat(decoded.get(i).body()).isEqualTo(results.get(i).body());
        }
    }

    @Provide
    Arbitrary<List<ReplicaBatchCodec.Result>> answers() {
        return Combinators.combine(Arbitraries.of(200, 204, 400, 404, 409, 503), bytes(0, 512))
                .as(ReplicaBatchCodec.Result::new).list().ofMaxSize(40);
    }

    @Property
    void truncatedOrPaddedRequestsAreRefusedAsCorrupt(@ForAll("batches") List<ReplicaBatchCodec.Op> ops,
                                                      @ForAll int cut) {
        byte[] encoded = ReplicaBatchCodec.encodeRequest(ops);
        byte[] damaged = Math.floorMod(cut, 2) == 0
                ? Arrays.copyOf(encoded, Math.floorMod(cut, encoded.length))
                : Arrays.copyOf(encoded, encoded.length + 1 + Math.floorMod(cut, 8));
        Throwable thrown = catchThrowable(() -> ReplicaBatchCodec.decodeRequest(damaged, PAYLOAD_MAX));
        assertThat(thrown).isInstanceOf(CorruptDataException.class);
    }

    @Property
    void randomBytesAreABatchOrRefusedAsCorrupt(@ForAll("garbage") byte[] garbage) {
        Throwable thrown = catchThrowable(() -> ReplicaBatchCodec.decodeRequest(garbage, PAYLOAD_MAX));
        assertThat(thrown).satisfiesAnyOf(t -> assertThat(t).isNull(),
                t -> assertThat(t).isInstanceOf(CorruptDataException.class));
        Throwable answer = catchThrowable(() -> ReplicaBatchCodec.decodeResponse(garbage, 1));
        assertThat(answer).satisfiesAnyOf(t -> assertThat(t).isNull(),
                t -> assertThat(t).isInstanceOf(CorruptDataException.class));
    }

    @Provide
    Arbitrary<byte[]> garbage() {
        return Arbitraries.oneOf(bytes(0, 64), bytes(1, 64).map(b -> {
            b[0] = 1;
            return b;
        }));
    }

    @Property(tries = 50)
    void aPayloadAboveTheLimitIsRefused(@ForAll("batches") List<ReplicaBatchCodec.Op> ops) {
        byte[] big = new byte[PAYLOAD_MAX + 1];
        List<ReplicaBatchCodec.Op> withBig = new java.util.ArrayList<>(ops);
        withBig.add(new ReplicaBatchCodec.Merge(new byte[]{1}, null, big));
        assertThatThrownBy(() -> ReplicaBatchCodec.decodeRequest(ReplicaBatchCodec.encodeRequest(withBig),
                PAYLOAD_MAX)).isInstanceOf(CorruptDataException.class).hasMessageContaining("record");
    }

    @Property(tries = 50)
    void anAnswerCountOtherThanTheBatchsIsRefused(@ForAll("answers") List<ReplicaBatchCodec.Result> results) {
        assertThatThrownBy(() -> ReplicaBatchCodec.decodeResponse(ReplicaBatchCodec.encodeResponse(results),
                results.size() + 1)).isInstanceOf(CorruptDataException.class);
    }
}
