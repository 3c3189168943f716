package dev.kv.web.testsupport;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Other spellings of one path: each means the same path to a router that decodes, drops {@code ;} parameters and
 * normalises, so a check on the raw path would miss every one of them.
 */
public final class Spellings {

    private Spellings() {
    }

    /** The odd spellings of {@code path} (which starts with {@code /}), by name; the plain path is not among them. */
    public static Map<String, String> odd(String path) {
        int slash = path.indexOf('/', 1);
        String first = slash < 0 ? path.substring(1) : path.substring(1, slash);
        String rest = slash < 0 ? "" : path.substring(slash);
        Map<String, String> spellings = new LinkedHashMap<>();
        spellings.put(";x", "/" + first + ";x" + rest);
        spellings.put(";", "/" + first + ";" + rest);
        spellings.put("last segment ;x", path + ";x");
        spellings.put("%69-style (first letter encoded)", "/" + percent(first.substring(0, 1)) + first.substring(1)
                + rest);
        spellings.put("full percent-encoding", "/" + percent(first) + rest);
        spellings.put("//", "/" + path);
        spellings.put("/./", "/." + path);
        spellings.put("%2e%2e", "/x/%2e%2e" + path);
        spellings.put("%2E%2E", "/x/%2E%2E" + path);
        spellings.put("..", "/x/.." + path);
        spellings.put("%2F", "/" + first + "%2F" + (rest.isEmpty() ? "" : rest.substring(1)));
        return spellings;
    }

    /** Every byte as {@code %XX}. */
    public static String percent(String text) {
        StringBuilder encoded = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            encoded.append('%').append(String.format("%02X", b & 0xff));
        }
        return encoded.toString();
    }
}
