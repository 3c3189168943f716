package dev.kv.gateway.api;

import dev.kv.core.key.InvalidKeyException;
import dev.kv.core.key.Keys;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Turns the raw request path after {@code /v1/kv/} into a key. The raw path is used, not the servlet container's
 * normalised one, because normalisation folds {@code a//b} into {@code a/b} and resolves {@code ..}: two different
 * keys would collide, and {@code /v1/kv/../cluster} would leave the key route. Segments that a normaliser would
 * change (empty, {@code .}, {@code ..}, also followed by {@code ;} parameters) are refused instead, so what the
 * client sent is exactly what is stored, and no spelling of a key route ever reaches another handler.
 */
public final class KeyPath {

    public static final String PREFIX = "/v1/kv/";

    private KeyPath() {
    }

    /** Whether the raw URI is on the key route (and so must yield a valid key or a 400). */
    public static boolean isKeyRoute(String rawUri) {
        return rawUri.startsWith(PREFIX) || rawUri.equals("/v1/kv");
    }

    public static String parse(String rawUri) {
        if (!rawUri.startsWith(PREFIX)) {
            throw new InvalidKeyException("the key is empty; use /v1/kv/{key}");
        }
        String key = percentDecode(rawUri.substring(PREFIX.length()));
        String[] segments = key.split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            String segment = segments[i];
            boolean trailing = i == segments.length - 1 && i > 0;
            // Tomcat drops ';' parameters before it resolves dot segments, so '..;x' climbs like '..' does.
            int parameters = segment.indexOf(';');
            String bare = parameters < 0 ? segment : segment.substring(0, parameters);
            if ((segment.isEmpty() && !trailing && segments.length > 1) || bare.equals(".") || bare.equals("..")) {
                throw new InvalidKeyException("the key '" + key + "' has an empty, '.' or '..' segment (with or"
                        + " without ';' parameters), which HTTP path normalisation would alter; such keys are not"
                        + " allowed");
            }
        }
        Keys.validate(key);
        return key;
    }

    private static String percentDecode(String raw) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length()) {
                    throw new InvalidKeyException("the key has an incomplete percent-escape at position " + i);
                }
                int high = Character.digit(raw.charAt(i + 1), 16);
                int low = Character.digit(raw.charAt(i + 2), 16);
                if (high < 0 || low < 0) {
                    throw new InvalidKeyException("the key has an invalid percent-escape at position " + i);
                }
                bytes.write(high << 4 | low);
                i += 2;
            } else if (c < 0x100) {
                bytes.write(c);
            } else {
                byte[] utf8 = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                bytes.write(utf8, 0, utf8.length);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw new InvalidKeyException("the key is not valid UTF-8 after percent-decoding");
        }
    }
}
