package dev.kv.web.runtime;

import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The services' JSON mappers outside Spring MVC (problem bodies written by valves, internal messages built and read
 * by clients): built here once, so every service reads and writes the same JSON (an architecture test holds every
 * other service class to it; Spring's own mapper bean serves the controllers).
 */
public final class Json {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();
    private static final JsonMapper LENIENT = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES).build();

    private Json() {
    }

    public static JsonMapper mapper() {
        return MAPPER;
    }

    /** Reads a null or missing number as 0: for answers of peers that may run an older version. */
    public static JsonMapper lenient() {
        return LENIENT;
    }
}
