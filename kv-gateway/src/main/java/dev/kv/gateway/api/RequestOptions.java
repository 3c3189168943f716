package dev.kv.gateway.api;

import dev.kv.core.Limits;
import dev.kv.core.quorum.InvalidParameterException;
import dev.kv.core.quorum.QuorumSpec;

import java.util.Map;
import java.util.Set;

/**
 * Parses and checks the query parameters of a key request. Unknown parameters are refused rather than ignored, so a
 * typo such as {@code consistancy=strong} cannot silently run at the default consistency.
 */
final class RequestOptions {

    static final Set<String> READ_PARAMETERS = Set.of("r", "consistency");
    static final Set<String> WRITE_PARAMETERS = Set.of("w", "consistency", "sloppy", "ttl");
    static final Set<String> DELETE_PARAMETERS = Set.of("w", "consistency", "sloppy");

    private RequestOptions() {
    }

    static void rejectUnknown(Map<String, String[]> parameters, Set<String> allowed) {
        for (Map.Entry<String, String[]> parameter : parameters.entrySet()) {
            if (!allowed.contains(parameter.getKey())) {
                throw new InvalidParameterException(parameter.getKey(), "unknown parameter '" + parameter.getKey()
                        + "'; this operation accepts " + String.join(", ", allowed.stream().sorted().toList()));
            }
            if (parameter.getValue().length > 1) {
                throw new InvalidParameterException(parameter.getKey(), "parameter '" + parameter.getKey()
                        + "' is given more than once");
            }
        }
    }

    static QuorumSpec quorum(Map<String, String[]> parameters, int replicationFactor, String defaultPreset) {
        return QuorumSpec.resolve(single(parameters, "consistency"), single(parameters, "r"),
                single(parameters, "w"), single(parameters, "sloppy"), replicationFactor, defaultPreset);
    }

    static Long ttlSeconds(Map<String, String[]> parameters) {
        String text = single(parameters, "ttl");
        if (text == null) {
            return null;
        }
        long ttl;
        try {
            ttl = Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw new InvalidParameterException("ttl", "ttl must be a whole number of seconds, was '" + text + "'");
        }
        if (ttl < 1 || ttl > Limits.TTL_SECONDS_MAX) {
            throw new InvalidParameterException("ttl", "ttl must be between 1 and " + Limits.TTL_SECONDS_MAX
                    + " seconds, was " + ttl);
        }
        return ttl;
    }

    private static String single(Map<String, String[]> parameters, String name) {
        String[] values = parameters.get(name);
        return values == null || values.length == 0 ? null : values[0];
    }
}
