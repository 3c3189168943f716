package dev.kv.gateway.api;

import dev.kv.core.key.InvalidKeyException;
import dev.kv.core.quorum.InvalidParameterException;
import dev.kv.gateway.quorum.QuorumNotReachedException;
import dev.kv.gateway.quorum.ReplicaRejectedException;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Every error of the public API that reaches Spring MVC as an RFC 9457 problem, as {@link KeyRouteFailures} maps it;
 * Spring's own exceptions (unsupported method, unreadable message...) as Spring maps them.
 */
@RestControllerAdvice
class ProblemHandler extends ResponseEntityExceptionHandler {

    private final KeyRouteFailures failures;

    ProblemHandler(KeyRouteFailures failures) {
        this.failures = failures;
    }

    @ExceptionHandler({InvalidKeyException.class, InvalidParameterException.class, ValueTooLargeException.class,
            KeyNotFoundException.class, ReplicaRejectedException.class, QuorumNotReachedException.class})
    ResponseEntity<ProblemDetail> known(Exception e) {
        return failures.answer(e);
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> unexpected(Exception e) {
        return failures.answer(e);
    }
}
