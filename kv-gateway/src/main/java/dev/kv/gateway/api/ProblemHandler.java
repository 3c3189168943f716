package dev.kv.gateway.api;

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
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Every error of the public API as an RFC 9457 problem with a clear detail. Quorum failures carry the counts
 * (answered, needed, contacted) as properties and in the text, and a {@code Retry-After}.
 */
@RestControllerAdvice
class ProblemHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);
    private static final MediaType PROBLEM = MediaType.APPLICATION_PROBLEM_JSON;

    private final MeterRegistry registry;

    ProblemHandler(MeterRegistry registry) {
        this.registry = registry;
    }

    @ExceptionHandler(InvalidKeyException.class)
    ResponseEntity<ProblemDetail> invalidKey(InvalidKeyException e) {
        return answer(Problems.of(400, "Invalid key", e.getMessage(), "invalid-key"));
    }

    @ExceptionHandler(InvalidParameterException.class)
    ResponseEntity<ProblemDetail> invalidParameter(InvalidParameterException e) {
        ProblemDetail problem = Problems.of(400, "Invalid parameter", e.getMessage(), "invalid-parameter");
        problem.setProperty("parameter", e.parameter());
        return answer(problem);
    }

    @ExceptionHandler(ValueTooLargeException.class)
    ResponseEntity<ProblemDetail> tooLarge(ValueTooLargeException e) {
        return answer(Problems.of(413, "Value too large", e.getMessage(), "value-too-large"));
    }

    @ExceptionHandler(KeyNotFoundException.class)
    ResponseEntity<ProblemDetail> notFound(KeyNotFoundException e) {
        ResponseEntity.BodyBuilder response = ResponseEntity.status(404).contentType(PROBLEM);
        if (e.context() != null) {
            response.header(VersionHeaders.CONTEXT, e.context());
        }
        return response.body(Problems.of(404, "Not found", e.getMessage(), "not-found"));
    }

    @ExceptionHandler(ReplicaRejectedException.class)
    ResponseEntity<ProblemDetail> rejected(ReplicaRejectedException e) {
        int status = e.status() == 409 ? 409 : 400;
        return answer(Problems.of(status, status == 409 ? "Too many concurrent versions" : "Rejected by replica",
                e.getMessage(), status == 409 ? "too-many-siblings" : "rejected"));
    }

    @ExceptionHandler(QuorumNotReachedException.class)
    ResponseEntity<ProblemDetail> quorum(QuorumNotReachedException e) {
        QuorumOutcome.Insufficient outcome = e.outcome();
        Counter.builder("kv.quorum.failures").description("requests that did not reach their quorum")
                .register(registry).increment();
        ProblemDetail problem = Problems.of(503, "Quorum not reached", e.getMessage(), "quorum-not-reached");
        problem.setProperty("answered", outcome.answered());
        problem.setProperty("needed", outcome.needed());
        problem.setProperty("contacted", outcome.contacted());
        problem.setProperty("failures", outcome.failures());
        return ResponseEntity.status(503).contentType(PROBLEM).header(HttpHeaders.RETRY_AFTER, "1").body(problem);
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> unexpected(Exception e) {
        log.error("unexpected failure", e);
        return answer(Problems.of(500, "Internal error", "unexpected failure: " + e.getClass().getSimpleName(),
                "internal"));
    }

    private static ResponseEntity<ProblemDetail> answer(ProblemDetail problem) {
        return ResponseEntity.status(problem.getStatus()).contentType(PROBLEM).body(problem);
    }
}
