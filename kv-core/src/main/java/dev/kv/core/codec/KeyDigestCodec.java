package dev.kv.core.codec;

import dev.kv.core.Limits;
import dev.kv.core.merkle.KeyDigest;

import java.util.ArrayList;
import java.util.List;

/**
 * The key digests of differing Merkle leaves in one binary body: {@code count(varint) (key(bytes) digest(8))*}.
 * Binary because this is most of what an exchange sends when few keys differ: about key length + 9 bytes a key,
 * against roughly twice that as JSON with base64 keys.
 */
public final class KeyDigestCodec {

    /** One exchange's leaves hold at most this many keys in a single answer. */
    public static final int DIGESTS_MAX = 5_000_000;

    private KeyDigestCodec() {
    }

    public static byte[] encode(List<KeyDigest> digests) {
        ByteWriter out = new ByteWriter(32 * digests.size() + 8);
        out.writeVarLong(digests.size());
        for (KeyDigest digest : digests) {
            out.writeBytes(digest.key());
            out.writeLong(digest.digest());
        }
        return out.toByteArray();
    }

    public static List<KeyDigest> decode(byte[] bytes) {
        ByteReader in = new ByteReader(bytes);
        int count = in.readLength(DIGESTS_MAX, "digest count");
        List<KeyDigest> result = new ArrayList<>(Math.min(count, bytes.length / 10 + 1));
        for (int i = 0; i < count; i++) {
            byte[] key = in.readBytes(Limits.KEY_BYTES_MAX, "key");
            if (key.length == 0) {
                throw new CorruptDataException("empty key in digest list");
            }
            result.add(new KeyDigest(key, in.readLong()));
        }
        in.expectEnd();
        return result;
    }
}
