package dev.kv.it;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.http.HttpHeaders;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One HTTP answer, kept whole (status, headers, body bytes) so a failed assertion can print all of it.
 *
 * @param method  the request method
 * @param path    the raw request path and query
 * @param status  the HTTP status
 * @param headers the response headers
 * @param body    the response body
 */
public record Reply(String method, String path, int status, HttpHeaders headers, byte[] body) {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    static Reply of(String method, String path, HttpResponse<byte[]> response) {
        return new Reply(method, path, response.statusCode(), response.headers(),
                response.body() == null ? new byte[0] : response.body());
    }

    /** The first value of a header, or {@code null}. */
    public String header(String name) {
        return headers.firstValue(name).orElse(null);
    }

    public Optional<String> optionalHeader(String name) {
        return headers.firstValue(name);
    }

    public String contentType() {
        return header("Content-Type");
    }

    public String context() {
        return header("X-KV-Context");
    }

    public String etag() {
        return header("ETag");
    }

    public String text() {
        return new String(body, StandardCharsets.UTF_8);
    }

    public JsonNode json() {
        return JSON.readTree(body);
    }

    /** Whether the body is an RFC 9457 problem ({@code application/problem+json}). */
    public boolean isProblem() {
        String type = contentType();
        return type != null && type.toLowerCase(Locale.ROOT).startsWith("application/problem+json");
    }

    /** The values of the siblings of a JSON envelope (a 300, or a 200 read with Accept: application/json). */
    public List<String> siblingValues() {
        JsonNode siblings = json().get("siblings");
        return siblings.valueStream()
                .map(s -> new String(Base64.getDecoder().decode(s.get("value").asString()), StandardCharsets.UTF_8))
                .toList();
    }

    @Override
    public String toString() {
        String shown = body.length > 600 ? new String(body, 0, 600, StandardCharsets.UTF_8) + "... (" + body.length
                + " bytes)" : text();
        return method + " " + (path.length() > 200 ? path.substring(0, 200) + "..." : path) + " -> " + status + " "
                + headers.map() + " " + shown;
    }
}
