package dev.kv.gateway.api;

import dev.kv.web.ProblemWriter;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;

import java.io.IOException;
import java.net.URI;

/** RFC 9457 problems with a stable {@code type} per kind of failure ({@code urn:kv:problem:<kind>}). */
public final class Problems {

    /** Writes the problems answered outside Spring MVC, typed the same way. */
    public static final ProblemWriter WRITER = ProblemWriter.typed("urn:kv:problem:");

    private Problems() {
    }

    public static ProblemDetail of(int status, String title, String detail, String kind) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatusCode.valueOf(status), detail);
        problem.setTitle(title);
        problem.setType(URI.create(WRITER.type(kind)));
        return problem;
    }

    /** For filters, which run before Spring MVC's exception handling. */
    public static void write(HttpServletResponse response, int status, String title, String detail, String kind)
            throws IOException {
        WRITER.write(response, status, kind, title, detail);
    }
}
