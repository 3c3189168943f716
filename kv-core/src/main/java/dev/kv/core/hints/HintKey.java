package dev.kv.core.hints;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The storage key of a hint: {@code target 0x00 storedAtMillis(8) sequence(8) key}. Hints for one target form a
 * contiguous prefix in time order, so delivery is one prefix scan and the oldest hints go first.
 *
 * @param target        the node the hint is for
 * @param storedAtMillis when the holder stored it
 * @param sequence      disambiguates hints stored in the same millisecond
 * @param key           the record's key
 */
public record HintKey(String target, long storedAtMillis, long sequence, byte[] key) {

    public static byte[] prefix(String target) {
        byte[] id = target.getBytes(StandardCharsets.UTF_8);
        byte[] prefix = Arrays.copyOf(id, id.length + 1);
        prefix[id.length] = 0;
        return prefix;
    }

    public byte[] encode() {
        byte[] prefix = prefix(target);
        return ByteBuffer.allocate(prefix.length + 16 + key.length).put(prefix).putLong(storedAtMillis)
                .putLong(sequence).put(key).array();
    }

    public static HintKey decode(byte[] bytes) {
        int separator = 0;
        while (separator < bytes.length && bytes[separator] != 0) {
            separator++;
        }
        if (separator + 17 > bytes.length) {
            throw new IllegalArgumentException("not a hint key");
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes, separator + 1, 16);
        long storedAt = buffer.getLong();
        long sequence = buffer.getLong();
        return new HintKey(new String(bytes, 0, separator, StandardCharsets.UTF_8), storedAt, sequence,
                Arrays.copyOfRange(bytes, separator + 17, bytes.length));
    }
}
