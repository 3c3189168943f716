package dev.kv.node.replica;

import dev.kv.core.codec.CorruptDataException;
import dev.kv.core.contract.InternalPaths;
import dev.kv.node.security.BodyLimitFilter;
import dev.kv.web.ProblemWriter;
import dev.kv.web.security.ClusterSecretChain;
import jakarta.servlet.ServletException;
import org.apache.catalina.connector.ClientAbortException;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Arrays;

/**
 * Serves {@code POST /internal/v1/batch} inside Tomcat, ahead of the servlet filter chain and Spring MVC (issue 13):
 * a gateway's replica calls are the node's whole data path, and the framework's per-request work (security filter
 * chain, firewall, observation, handler mapping, message conversion) cost three times the calls themselves. Everything
 * else passes on to Spring untouched.
 *
 * <p>The guard is its own and as strict as Spring Security's: only the one canonical spelling of the path is served
 * here (the raw request URI compared byte for byte, so {@code /internal/v1/%62atch}, {@code ;} parameters, {@code //}
 * and the like go on to Spring, whose firewall refuses them or whose security asks for the secret); the cluster secret
 * is compared in constant time when one is configured; the body is capped ({@link ReplicaBatchHandler#bodyBytesMax})
 * before it is read. Refusals are problems, as everywhere else on the node.
 */
final class ReplicaBatchValve extends ValveBase {

    private static final Logger log = LoggerFactory.getLogger(ReplicaBatchValve.class);
    private static final String OCTET_STREAM = "application/octet-stream";

    private final ReplicaBatchHandler handler;
    private final ClusterSecretChain members;

    ReplicaBatchValve(ReplicaBatchHandler handler, ClusterSecretChain members) {
        super(true);
        this.handler = handler;
        this.members = members;
    }

    @Override
    public void invoke(Request request, Response response) throws IOException, ServletException {
        if (!InternalPaths.BATCH.equals(request.getRequestURI()) || !"POST".equals(request.getMethod())) {
            getNext().invoke(request, response);
            return;
        }
        if (!members.admits(request)) {
            members.unauthorized(request, response);
            return;
        }
        long cap = handler.bodyBytesMax();
        long declared = request.getContentLengthLong();
        if (declared > cap) {
            BodyLimitFilter.tooLarge(response, cap);
            return;
        }
        byte[] body = read(request, declared, cap);
        if (body.length > cap) {
            BodyLimitFilter.tooLarge(response, cap);
            return;
        }
        byte[] answers;
        try {
            answers = handler.handle(body);
        } catch (CorruptDataException e) {
            ProblemWriter.ABOUT_BLANK.write(response, 400, "invalid-request", "Bad Request",
                    "not a batch of replica calls: " + e.getMessage());
            return;
        }
        response.setStatus(200);
        response.setContentType(OCTET_STREAM);
        response.setContentLength(answers.length);
        try {
            response.getOutputStream().write(answers);
        } catch (ClientAbortException e) {
            // The gateway gave up on the exchange (its replica timeout) and closed the connection; the calls were
            // applied or not as their answers say, and the gateway counts them as timed out. Nothing to report here.
            log.debug("batch answer not delivered: {}", e.getMessage());
        }
    }

    /**
     * The body: into an array of exactly its declared length (a gateway always declares it), else up to one byte
     * over the cap. A body that ends early reads as the bytes it had, which the batch codec then refuses (400).
     */
    private static byte[] read(Request request, long declared, long cap) throws IOException {
        if (declared < 0) {
            return request.getInputStream().readNBytes((int) Math.min(Integer.MAX_VALUE - 8, cap + 1));
        }
        byte[] body = new byte[(int) declared];
        int read = request.getInputStream().readNBytes(body, 0, body.length);
        return read == body.length ? body : Arrays.copyOf(body, read);
    }
}
