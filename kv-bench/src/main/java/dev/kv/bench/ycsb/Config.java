package dev.kv.bench.ycsb;

import java.util.List;
import java.util.Properties;

/**
 * The binding's {@code kv.*} properties turned into query strings: a consistency preset, or explicit quorums
 * ({@code kv.r}, {@code kv.w}) which the gateway accepts instead of a preset, and a time to live for writes.
 */
record Config(String readQuery, String writeQuery, long timeoutMillis) {

    private static final List<String> PRESETS = List.of("strong", "eventual", "fast-write", "fast-read");

    static Config of(Properties properties) {
        String consistency = properties.getProperty("kv.consistency", "strong");
        if (!PRESETS.contains(consistency)) {
            throw new IllegalArgumentException("kv.consistency must be one of " + PRESETS + ", not '" + consistency
                    + "'");
        }
        String r = properties.getProperty("kv.r");
        String w = properties.getProperty("kv.w");
        String ttl = properties.getProperty("kv.ttl");
        String read = r != null ? "r=" + number(r, "kv.r") : "consistency=" + consistency;
        String write = (w != null ? "w=" + number(w, "kv.w") : "consistency=" + consistency)
                + (ttl != null ? "&ttl=" + number(ttl, "kv.ttl") : "");
        return new Config(read, write, number(properties.getProperty("kv.timeout", "2000"), "kv.timeout"));
    }

    private static long number(String text, String name) {
        try {
            long value = Long.parseLong(text.trim());
            if (value < 1) {
                throw new NumberFormatException();
            }
            return value;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a positive whole number, not '" + text + "'");
        }
    }
}
