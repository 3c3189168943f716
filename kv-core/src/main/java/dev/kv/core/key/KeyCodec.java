package dev.kv.core.key;

import dev.kv.core.Limits;

import java.util.Base64;

/**
 * A key as members write it in text (a query parameter, a pull request's list, a stream cursor's position): base64url
 * without padding of its bytes, so any key travels unharmed in a URL. Decoding applies the one rule every member
 * checks on a key it is sent, 1 to {@link Limits#KEY_BYTES_MAX} bytes; the text rules of {@link Keys} are the
 * gateway's, at the door of the public API. Padded text is accepted too, as Java's base64url decoder accepts it.
 */
public final class KeyCodec {

    /**
     * How many bytes a binary decoder reads for a key before it refuses the whole message as corrupt: one more than a
     * key may have. A batch of replica calls must answer a key that is too long as the per-call endpoint would, with
     * a 400 for that call alone ({@link #check} in the call's handler); refused as corrupt, it would fail every other
     * call in the batch, other clients' requests among them. Anything longer is no key a member sends, and the bound
     * keeps a hostile message from making a node allocate more.
     */
    public static final int READ_BYTES_MAX = Limits.KEY_BYTES_MAX + 1;

    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private KeyCodec() {
    }

    /** The key's text form. Encodes any bytes: the length is checked where a key is received. */
    public static String encode(byte[] key) {
        return ENCODER.encodeToString(key);
    }

    /**
     * The key a text form names.
     *
     * @throws InvalidKeyException if the text is not base64url or the key is not 1 to {@link Limits#KEY_BYTES_MAX}
     *                             bytes
     */
    public static byte[] decode(String text) {
        byte[] key;
        try {
            key = DECODER.decode(text == null ? "!" : text);
        } catch (IllegalArgumentException e) {
            throw new InvalidKeyException("key must be base64url-encoded on the internal API");
        }
        return check(key);
    }

    /**
     * The key itself, if its length is one a key may have.
     *
     * @throws InvalidKeyException if it is not 1 to {@link Limits#KEY_BYTES_MAX} bytes
     */
    public static byte[] check(byte[] key) {
        if (key.length == 0 || key.length > Limits.KEY_BYTES_MAX) {
            throw new InvalidKeyException("key must be 1.." + Limits.KEY_BYTES_MAX + " bytes");
        }
        return key;
    }
}
