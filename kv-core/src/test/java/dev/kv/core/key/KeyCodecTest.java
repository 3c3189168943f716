package dev.kv.core.key;

import dev.kv.core.Limits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The internal API's text form of keys and the one length rule every member applies to a key it is sent. */
class KeyCodecTest {

    @Test
    void aKeyIsBase64UrlWithoutPadding() {
        assertThat(KeyCodec.encode("a".getBytes(StandardCharsets.UTF_8))).isEqualTo("YQ");
        assertThat(KeyCodec.encode(new byte[] {(byte) 0xfb, (byte) 0xff})).isEqualTo("-_8");
        assertThat(KeyCodec.decode("-_8")).containsExactly(0xfb, 0xff);
    }

    @Test
    void paddedTextIsAcceptedAsTheDecoderAlwaysDid() {
        assertThat(KeyCodec.decode("YQ==")).isEqualTo("a".getBytes(StandardCharsets.UTF_8));
        assertThat(KeyCodec.decode("YWI=")).isEqualTo("ab".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void anEmptyKeyIsRefused() {
        assertThatThrownBy(() -> KeyCodec.decode("")).isExactlyInstanceOf(InvalidKeyException.class)
                .hasMessage("key must be 1..1024 bytes");
        assertThatThrownBy(() -> KeyCodec.check(new byte[0])).isExactlyInstanceOf(InvalidKeyException.class);
    }

    @Test
    void theLongestKeyPassesAndOneByteMoreIsRefused() {
        byte[] longest = new byte[Limits.KEY_BYTES_MAX];
        Arrays.fill(longest, (byte) 'k');
        assertThat(KeyCodec.decode(KeyCodec.encode(longest))).isEqualTo(longest);
        assertThat(KeyCodec.check(longest)).isSameAs(longest);

        byte[] tooLong = Arrays.copyOf(longest, Limits.KEY_BYTES_MAX + 1);
        assertThatThrownBy(() -> KeyCodec.decode(KeyCodec.encode(tooLong)))
                .isExactlyInstanceOf(InvalidKeyException.class).hasMessage("key must be 1..1024 bytes");
        assertThatThrownBy(() -> KeyCodec.check(tooLong)).isExactlyInstanceOf(InvalidKeyException.class);
    }

    @Test
    void aBinaryDecoderReadsOneByteMoreThanAKeySoTheCheckRefusesIt() {
        assertThat(KeyCodec.READ_BYTES_MAX).isEqualTo(Limits.KEY_BYTES_MAX + 1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a+b/", "YQ=", "YQ===", "Y", "not base64!", "YQ Q", "%59Q"})
    void textThatIsNotBase64UrlIsAnInvalidKey(String text) {
        assertThatThrownBy(() -> KeyCodec.decode(text)).isExactlyInstanceOf(InvalidKeyException.class)
                .hasMessage("key must be base64url-encoded on the internal API");
    }

    @Test
    void noTextIsAnInvalidKey() {
        assertThatThrownBy(() -> KeyCodec.decode(null)).isExactlyInstanceOf(InvalidKeyException.class);
    }

    @Test
    void everyKeyOfEveryLengthComesBackAsItWent() {
        SplittableRandom random = new SplittableRandom(15);
        for (int length = 1; length <= Limits.KEY_BYTES_MAX; length += 1 + length / 8) {
            byte[] key = new byte[length];
            random.nextBytes(key);
            String text = KeyCodec.encode(key);

            assertThat(text).doesNotContain("=", "+", "/");
            assertThat(KeyCodec.decode(text)).as("length %d", length).isEqualTo(key);
        }
    }
}
