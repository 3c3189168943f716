package dev.kv.gateway.api;

import dev.kv.core.contract.Headers;
import dev.kv.core.key.InvalidKeyException;
import dev.kv.core.quorum.InvalidParameterException;
import dev.kv.core.quorum.QuorumOutcome;
import dev.kv.gateway.quorum.QuorumNotReachedException;
import dev.kv.gateway.quorum.ReplicaRejectedException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;

import java.io.IOException;

/**
 * What a failure of a key request answers: an RFC 9457 problem with a clear detail and a stable type. Quorum failures
 * carry the counts (answered, needed, contacted) as properties and in the text, and a {@code Retry-After}. One mapping
 * for both ways a key request is served ({@link KeyRouteValve} and Spring MVC's {@link ProblemHandler}).
 */
@Component
class KeyRouteFailures {

    private static final Logger log = LoggerFactory.getLogger(KeyRouteFailures.class);
    private static final MediaType PROBLEM = MediaType.APPLICATION_PROBLEM_JSON;

    private final Counter quorumFailures;

    KeyRouteFailures(MeterRegistry registry) {
        this.quorumFailures = Counter.builder("kv.quorum.failures")
                .description("requests that did not reach their quorum").register(registry);
    }

    ResponseEntity<ProblemDetail> answer(Exception failure) {
        return switch (failure) {
            case InvalidKeyException e -> answer(Problems.of(400, "Invalid key", e.getMessage(), "invalid-key"));
            case InvalidParameterException e -> {
                ProblemDetail problem = Problems.of(400, "Invalid parameter", e.getMessage(), "invalid-parameter");
                problem.setProperty("parameter", e.parameter());
                yield answer(problem);
            }
            case ValueTooLargeException e -> answer(Problems.of(413, "Value too large", e.getMessage(),
                    "value-too-large"));
            case KeyNotFoundException e -> {
                ResponseEntity.BodyBuilder response = ResponseEntity.status(404).contentType(PROBLEM);
                if (e.context() != null) {
                    response.header(Headers.CONTEXT, e.context());
                }
                yield response.body(Problems.of(404, "Not found", e.getMessage(), "not-found"));
            }
            case ReplicaRejectedException e -> {
                boolean conflict = e.status() == 409;
                yield answer(Problems.of(conflict ? 409 : 400,
                        conflict ? "Too many concurrent versions" : "Rejected by replica", e.getMessage(),
                        conflict ? "too-many-siblings" : "rejected"));
            }
            case QuorumNotReachedException e -> quorumNotReached(e);
            // The request body broke off or was malformed on the wire: the client's request, not our failure.
            case IOException e -> answer(Problems.of(400, "Unreadable request", "the request body could not be read: "
                    + e.getMessage(), "invalid-request"));
            default -> {
                log.error("unexpected failure", failure);
                yield answer(Problems.of(500, "Internal error", "unexpected failure: "
                        + failure.getClass().getSimpleName(), "internal"));
            }
        };
    }

    private ResponseEntity<ProblemDetail> quorumNotReached(QuorumNotReachedException e) {
        QuorumOutcome.Insufficient outcome = e.outcome();
        quorumFailures.increment();
        ProblemDetail problem = Problems.of(503, "Quorum not reached", e.getMessage(), "quorum-not-reached");
        problem.setProperty("answered", outcome.answered());
        problem.setProperty("needed", outcome.needed());
        problem.setProperty("contacted", outcome.contacted());
        problem.setProperty("failures", outcome.failures());
        return ResponseEntity.status(503).contentType(PROBLEM).header(HttpHeaders.RETRY_AFTER, "1").body(problem);
    }

    private static ResponseEntity<ProblemDetail> answer(ProblemDetail problem) {
        return ResponseEntity.status(problem.getStatus()).contentType(PROBLEM).body(problem);
    }
}
