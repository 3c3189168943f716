package dev.kv.it;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** How keys appear on the wire: in the gateway's path, in its query strings, and on the nodes' internal API. */
final class KeyPaths {

    private KeyPaths() {
    }

    /**
     * The key as a path after {@code /v1/kv/}: every UTF-8 byte percent-encoded except unreserved characters and
     * {@code /}, which the gateway keeps as the key's segment separator.
     */
    static String path(String key) {
        StringBuilder path = new StringBuilder();
        for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "-._~/".indexOf(c) >= 0) {
                path.append((char) c);
            } else {
                path.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return path.toString();
    }

    static String query(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** The internal API's form: base64url without padding of the UTF-8 bytes. */
    static String internal(String key) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(key.getBytes(StandardCharsets.UTF_8));
    }
}
