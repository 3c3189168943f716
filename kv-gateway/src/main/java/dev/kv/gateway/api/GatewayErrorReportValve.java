package dev.kv.gateway.api;

import dev.kv.web.ProblemErrorReportValve;
import dev.kv.web.ProblemWriter;

/**
 * The gateway's answers to request lines Tomcat refuses itself (a path with an encoded NUL, with percent-escapes that
 * are not UTF-8, or with a malformed escape): problems typed like the rest of the API ({@code urn:kv:problem:...}),
 * with Tomcat's own message and, for a 400, how a key must be written, since a key is what such a path usually holds.
 */
public class GatewayErrorReportValve extends ProblemErrorReportValve {

    @Override
    protected ProblemWriter problems() {
        return Problems.WRITER;
    }

    @Override
    protected String detail(int status, String title, String message) {
        return (message == null || message.isBlank() ? title : message)
                + (status == 400 ? " (the request line was refused before routing; a key must be percent-encoded"
                + " UTF-8 without NUL)" : "");
    }
}
