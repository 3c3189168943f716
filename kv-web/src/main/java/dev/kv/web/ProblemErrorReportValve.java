package dev.kv.web;

import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;
import org.springframework.boot.tomcat.TomcatContextCustomizer;
import org.springframework.http.HttpStatus;

import java.io.IOException;
import java.io.Writer;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Tomcat refuses some request lines itself, before any filter runs (a malformed percent-escape, an encoded
 * {@code /}, a path that climbs above the root). Its error report valve would answer with an HTML page; this one
 * answers with an RFC 9457 problem like every other refusal of the service. Errors answered by Spring never get here
 * (their body is already written).
 *
 * <p>Tomcat creates the valve itself, from its class name ({@link #installing}), so a service that wants other types
 * or details subclasses it (with a public no-argument constructor) instead of passing settings.
 */
public class ProblemErrorReportValve extends ErrorReportValve {

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0) {
            return;
        }
        AtomicBoolean ioAllowed = new AtomicBoolean(true);
        response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
        if (!ioAllowed.get()) {
            return;
        }
        HttpStatus known = HttpStatus.resolve(status);
        String title = known == null ? "Error" : known.getReasonPhrase();
        String kind = status == 400 ? "invalid-request" : "http-" + status;
        String problem = problems().json(status, kind, title, detail(status, title, response.getMessage()));
        try {
            response.setContentType("application/problem+json");
            response.setCharacterEncoding("UTF-8");
            Writer writer = response.getReporter();
            if (writer != null) {
                writer.write(problem);
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException e) {
            // The connection is gone or the response committed: nothing more can be sent.
        }
    }

    /** How the problems are typed; {@code about:blank} unless overridden. */
    protected ProblemWriter problems() {
        return ProblemWriter.ABOUT_BLANK;
    }

    /**
     * The problem's detail, from the status, its reason phrase and Tomcat's message (often {@code null}). A 400 here
     * always means the request line itself was refused, which the default says.
     */
    protected String detail(int status, String title, String message) {
        return status == 400 ? "the request line was refused before routing" : title;
    }

    /** Makes the context's host report errors with {@code valve}, which Tomcat instantiates by name. */
    public static TomcatContextCustomizer installing(Class<? extends ProblemErrorReportValve> valve) {
        return context -> ((StandardHost) context.getParent()).setErrorReportValveClass(valve.getName());
    }
}
