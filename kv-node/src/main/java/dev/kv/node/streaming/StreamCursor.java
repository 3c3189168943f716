package dev.kv.node.streaming;

import java.util.Arrays;
import java.util.Base64;

/**
 * A position in a group of ranges being streamed: the range's index and the last storage key taken in it (null:
 * nothing taken yet). Written {@code index:base64url key}. Not through {@code KeyCodec}: a storage key is the key
 * behind an 8-byte token, so it may be longer than a key, and the codec's length check would refuse it.
 */
record StreamCursor(int range, byte[] key) {

    static StreamCursor startOf(int range) {
        return new StreamCursor(range, null);
    }

    static StreamCursor parse(String text) {
        int colon = text == null ? -1 : text.indexOf(':');
        if (colon < 1) {
            throw new IllegalArgumentException("a stream cursor is written index:key");
        }
        int range = Integer.parseInt(text.substring(0, colon));
        String key = text.substring(colon + 1);
        return new StreamCursor(range, key.isEmpty() ? null : Base64.getUrlDecoder().decode(key));
    }

    /** Whether the storage key {@code key} of range {@code index} lies after this position. */
    boolean isBefore(int index, byte[] storageKey) {
        return index > range || (index == range && (key == null || Arrays.compareUnsigned(storageKey, key) > 0));
    }

    @Override
    public String toString() {
        return range + ":" + (key == null ? "" : Base64.getUrlEncoder().withoutPadding().encodeToString(key));
    }
}
