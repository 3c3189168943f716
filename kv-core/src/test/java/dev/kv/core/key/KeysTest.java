package dev.kv.core.key;

import dev.kv.core.Limits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KeysTest {

    @Test
    void anEmptyOrMissingKeyIsRefused() {
        assertThatThrownBy(() -> Keys.validate("")).isExactlyInstanceOf(InvalidKeyException.class)
                .hasMessageContaining("empty");
        assertThatThrownBy(() -> Keys.validate(null)).isExactlyInstanceOf(InvalidKeyException.class);
    }

    @Test
    void theLimitCountsUtf8BytesNotCharacters() {
        assertThat(Keys.validate("a".repeat(Limits.KEY_BYTES_MAX))).hasSize(1024);
        assertThatThrownBy(() -> Keys.validate("a".repeat(Limits.KEY_BYTES_MAX + 1)))
                .isExactlyInstanceOf(InvalidKeyException.class).hasMessageContaining("1025 bytes");

        // 512 two-byte characters are 1024 bytes; one more ASCII byte is over.
        assertThat(Keys.validate("é".repeat(512))).hasSize(1024);
        assertThatThrownBy(() -> Keys.validate("é".repeat(512) + "a"))
                .isExactlyInstanceOf(InvalidKeyException.class).hasMessageContaining("1025 bytes");
        // 341 three-byte characters are 1023 bytes.
        assertThat(Keys.validate("日".repeat(341) + "a")).hasSize(1024);
        assertThatThrownBy(() -> Keys.validate("日".repeat(341) + "aa"))
                .isExactlyInstanceOf(InvalidKeyException.class);
        // 256 emoji are 512 chars in Java but 1024 bytes; 257 are over although far below 1024 chars.
        assertThat(Keys.validate("🚀".repeat(256))).hasSize(1024);
        assertThatThrownBy(() -> Keys.validate("🚀".repeat(257))).isExactlyInstanceOf(InvalidKeyException.class)
                .hasMessageContaining("1028 bytes");
        // 342 three-byte characters: only 342 chars, but 1026 bytes.
        assertThatThrownBy(() -> Keys.validate("日".repeat(342))).isExactlyInstanceOf(InvalidKeyException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"\u0000", "a\tb", "line\nbreak", "cr\r", "\u001b[31m", "\u001f", "del\u007f", "nel\u0085",
            "\u009f"})
    void controlCharactersAreRefused(String key) {
        assertThatThrownBy(() -> Keys.validate(key)).isExactlyInstanceOf(InvalidKeyException.class)
                .hasMessageContaining("control character U+00");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\ud800", "a\udc00", "\ud83d", "x\ud83d\ud83d\ude80", "\ude80\ud83d", "\ud83d\ude80\ude80"})
    void unpairedSurrogatesAreRefused(String key) {
        assertThatThrownBy(() -> Keys.validate(key)).isExactlyInstanceOf(InvalidKeyException.class)
                .hasMessageContaining("surrogate");
    }

    @ParameterizedTest
    @ValueSource(strings = {"users/42/cart", "/", "//", "a/../b", "./x", "%2F", "日本語/キー", "🚀",
            "key with spaces", "é", "\u00a0", "a?b#c", "\ud83d\ude80/\ud83d\ude80"})
    void slashesUnicodeAndPunctuationAreAcceptedAsTheirUtf8Bytes(String key) {
        assertThat(Keys.validate(key)).isEqualTo(key.getBytes(StandardCharsets.UTF_8));
    }
}
