package dev.kv.core.key;

import dev.kv.core.Limits;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KeysProperties {

    /** Any UTF-16 text, including lone surrogates and control characters, around the byte limit. */
    @Provide
    Arbitrary<String> texts() {
        Arbitrary<String> anyChars = Arbitraries.strings().all().ofMaxLength(40);
        Arbitrary<String> nearTheLimit = Arbitraries.of("a", "é", "日", "🚀").flatMap(unit -> Arbitraries.integers()
                .between(Limits.KEY_BYTES_MAX / 4 - 2, Limits.KEY_BYTES_MAX + 2).map(unit::repeat));
        return Arbitraries.oneOf(anyChars, nearTheLimit, Arbitraries.strings().withCharRange(' ', '~')
                .ofMaxLength(1100));
    }

    /** The rule written independently of {@link Keys}: valid Unicode, no control characters, 1 to 1024 bytes. */
    private static boolean isValidKey(String text) {
        boolean wellFormed = text.codePoints().noneMatch(cp -> cp >= 0xD800 && cp <= 0xDFFF);
        boolean noControls = text.codePoints().noneMatch(Character::isISOControl);
        int bytes = text.getBytes(StandardCharsets.UTF_8).length;
        return wellFormed && noControls && bytes >= 1 && bytes <= Limits.KEY_BYTES_MAX;
    }

    @Property
    void aKeyIsAcceptedExactlyWhenItFollowsTheRulesAndThenHashesAsItsUtf8Bytes(@ForAll("texts") String text) {
        if (isValidKey(text)) {
            assertThat(Keys.validate(text)).isEqualTo(text.getBytes(StandardCharsets.UTF_8));
        } else {
            assertThatThrownBy(() -> Keys.validate(text)).isExactlyInstanceOf(InvalidKeyException.class);
        }
    }
}
