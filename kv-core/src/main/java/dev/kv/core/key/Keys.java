package dev.kv.core.key;

import dev.kv.core.Limits;

import java.nio.charset.StandardCharsets;

/** The rules a key must follow (DESIGN §2): 1 to 1024 bytes of UTF-8, no control characters. */
public final class Keys {

    private Keys() {
    }

    /**
     * Checks a key given as text and returns its UTF-8 bytes, the form every component hashes and stores.
     *
     * @throws InvalidKeyException with a message fit for an API client
     */
    public static byte[] validate(String key) {
        if (key == null || key.isEmpty()) {
            throw new InvalidKeyException("the key is empty; keys are 1 to " + Limits.KEY_BYTES_MAX + " bytes");
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            // C0, DEL and C1 (U+0080..U+009F, NEL among them): every character Unicode classes as a control.
            if (Character.isISOControl(c)) {
                throw new InvalidKeyException("the key contains the control character U+%04X at position %d"
                        .formatted((int) c, i));
            }
            if (Character.isSurrogate(c) && !(Character.isHighSurrogate(c) && i + 1 < key.length()
                    && Character.isLowSurrogate(key.charAt(i + 1)))
                    && !(Character.isLowSurrogate(c) && i > 0 && Character.isHighSurrogate(key.charAt(i - 1)))) {
                throw new InvalidKeyException("the key is not valid Unicode (unpaired surrogate at " + i + ")");
            }
        }
        byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > Limits.KEY_BYTES_MAX) {
            throw new InvalidKeyException("the key is " + bytes.length + " bytes; the limit is "
                    + Limits.KEY_BYTES_MAX);
        }
        return bytes;
    }
}
