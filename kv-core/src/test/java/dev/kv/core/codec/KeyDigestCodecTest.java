package dev.kv.core.codec;

import dev.kv.core.merkle.KeyDigest;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KeyDigestCodecTest {

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void digestsSurviveARoundTripInOrderAndCostKeyLengthPlusNineBytesEach() {
        List<KeyDigest> digests = List.of(new KeyDigest(utf8("users/1"), 42), new KeyDigest(utf8("a"), -1L),
                new KeyDigest(new byte[] {0, (byte) 0xFF}, Long.MIN_VALUE));

        byte[] encoded = KeyDigestCodec.encode(digests);
        List<KeyDigest> decoded = KeyDigestCodec.decode(encoded);

        assertThat(decoded).hasSize(3);
        for (int i = 0; i < digests.size(); i++) {
            assertThat(decoded.get(i).key()).isEqualTo(digests.get(i).key());
            assertThat(decoded.get(i).digest()).isEqualTo(digests.get(i).digest());
        }
        assertThat(encoded).hasSize(1 + (1 + 7 + 8) + (1 + 1 + 8) + (1 + 2 + 8));
    }

    @Test
    void anEmptyListIsOneByte() {
        assertThat(KeyDigestCodec.decode(KeyDigestCodec.encode(List.of()))).isEmpty();
        assertThat(KeyDigestCodec.encode(List.of())).hasSize(1);
    }

    @Test
    void truncatedTrailingOrEmptyKeyInputIsRejected() {
        byte[] encoded = KeyDigestCodec.encode(List.of(new KeyDigest(utf8("k"), 7)));

        assertThatThrownBy(() -> KeyDigestCodec.decode(Arrays.copyOf(encoded, encoded.length - 1)))
                .isInstanceOf(CorruptDataException.class);
        assertThatThrownBy(() -> KeyDigestCodec.decode(Arrays.copyOf(encoded, encoded.length + 1)))
                .isInstanceOf(CorruptDataException.class);
        assertThatThrownBy(() -> KeyDigestCodec.decode(KeyDigestCodec.encode(
                List.of(new KeyDigest(new byte[0], 7))))).isInstanceOf(CorruptDataException.class);
    }
}
