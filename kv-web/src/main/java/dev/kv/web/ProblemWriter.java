package dev.kv.web;

import dev.kv.web.runtime.Json;
import jakarta.servlet.http.HttpServletResponse;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes RFC 9457 problems ({@code application/problem+json}) for code that answers outside Spring MVC's exception
 * handling: servlet filters, Spring Security's handlers and Tomcat's error report valve. The services differ only in
 * the {@code type}: the node and the dashboard use {@code about:blank} (the status and title say it all), the gateway
 * a stable URN per kind of failure that its clients can branch on. Each refusal names its kind either way, so a
 * shared piece of code serves both.
 */
public final class ProblemWriter {

    /** Every problem of type {@code about:blank}; the kind is not shown. */
    public static final ProblemWriter ABOUT_BLANK = new ProblemWriter(null);

    private static final String ABOUT_BLANK_TYPE = "about:blank";
    private static final JsonMapper JSON = Json.mapper();

    /** Put before the kind to make the type; {@code null} for {@code about:blank}. */
    private final String typePrefix;

    private ProblemWriter(String typePrefix) {
        this.typePrefix = typePrefix;
    }

    /** Problems typed {@code typePrefix + kind}, e.g. {@code urn:kv:problem:} and {@code invalid-key}. */
    public static ProblemWriter typed(String typePrefix) {
        if (typePrefix == null || typePrefix.isBlank()) {
            throw new IllegalArgumentException("a problem type prefix must not be blank");
        }
        return new ProblemWriter(typePrefix);
    }

    /** The {@code type} of a problem of this kind (a short lower-case name such as {@code invalid-request}). */
    public String type(String kind) {
        return typePrefix == null ? ABOUT_BLANK_TYPE : typePrefix + kind;
    }

    /** The problem as JSON text, for writers that take characters (Tomcat's error reporter). */
    public String json(int status, String kind, String title, String detail) {
        return JSON.writeValueAsString(problem(status, kind, title, detail));
    }

    /** Sets the status and content type and writes the problem as the whole body. */
    public void write(HttpServletResponse response, int status, String kind, String title, String detail)
            throws IOException {
        response.setStatus(status);
        response.setContentType("application/problem+json");
        response.getOutputStream().write(JSON.writeValueAsBytes(problem(status, kind, title, detail)));
    }

    /** As {@link #write(HttpServletResponse, int, String, String, String)}, with extension members after the rest. */
    public void write(HttpServletResponse response, int status, String kind, String title, String detail,
                      Map<String, Object> extensions) throws IOException {
        Map<String, Object> problem = problem(status, kind, title, detail);
        problem.putAll(extensions);
        response.setStatus(status);
        response.setContentType("application/problem+json");
        response.getOutputStream().write(JSON.writeValueAsBytes(problem));
    }

    /** The problem as the JSON bytes of a body, with extension members after the rest (answers inside a batch). */
    public byte[] bytes(int status, String kind, String title, String detail, Map<String, Object> extensions) {
        Map<String, Object> problem = problem(status, kind, title, detail);
        problem.putAll(extensions);
        return JSON.writeValueAsBytes(problem);
    }

    /** The members in the order RFC 9457 lists them, so every writer's problems read the same. */
    private Map<String, Object> problem(int status, String kind, String title, String detail) {
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", type(kind));
        problem.put("title", title);
        problem.put("status", status);
        problem.put("detail", detail);
        return problem;
    }
}
