package dev.kv.web.tls;

import dev.kv.web.ProblemWriter;
import dev.kv.web.security.AuditLog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.ServletException;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;

import java.io.IOException;
import java.security.cert.X509Certificate;

/**
 * First on a node's data port under member TLS: a client whose certificate the cluster CA signed but whose identity is
 * outside the allowed pattern ({@link AllowedIdentities}) is answered 403 before anything else sees its request.
 * Tomcat has already refused the handshake of a client without a certificate from the CA
 * ({@code server.ssl.client-auth=need}); a plain-HTTP request to the TLS port gets Tomcat's 400.
 */
public final class MemberCertificateValve extends ValveBase {

    private final MemberTls tls;
    private final ProblemWriter problems;
    private final Counter refusals;

    public MemberCertificateValve(MemberTls tls, ProblemWriter problems, MeterRegistry registry) {
        super(true);
        this.tls = tls;
        this.problems = problems;
        this.refusals = Counter.builder("kv.auth.refusals").tag("credential", "certificate").tag("reason", "identity")
                .description("requests refused for a missing or wrong credential").register(registry);
    }

    @Override
    public void invoke(Request request, Response response) throws IOException, ServletException {
        X509Certificate certificate = MemberTls.clientCertificate(request);
        if (certificate == null || tls.memberIdentity(request) != null) {
            getNext().invoke(request, response);
            return;
        }
        refusals.increment();
        String who = String.join(",", AllowedIdentities.names(certificate));
        AuditLog.refused(who.isEmpty() ? request.getRemoteAddr() : who, request.getMethod(), request.getRequestURI(),
                403, "certificate identity not an allowed cluster member");
        problems.write(response, 403, "forbidden", "Forbidden",
                "the client certificate's identity is not an allowed cluster member");
    }
}
