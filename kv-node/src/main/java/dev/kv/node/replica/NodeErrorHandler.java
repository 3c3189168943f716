package dev.kv.node.replica;

import dev.kv.core.codec.CorruptDataException;
import dev.kv.core.key.InvalidKeyException;
import dev.kv.core.quorum.InvalidParameterException;
import dev.kv.core.record.TooManySiblingsException;
import dev.kv.node.storage.DeadlinePassedException;
import dev.kv.node.storage.StorageException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;

/** Internal API errors as RFC 9457 problems: bad input is the caller's 4xx, storage failure a 503. */
@RestControllerAdvice
class NodeErrorHandler {

    private static final Logger log = LoggerFactory.getLogger(NodeErrorHandler.class);

    private final Counter refusedLate;

    NodeErrorHandler(MeterRegistry registry) {
        this.refusedLate = Counter.builder("kv.node.coordinate.refused").tag("reason", "deadline")
                .description("coordinate attempts refused, not applied, because their deadline had passed")
                .register(registry);
    }

    @ExceptionHandler({CorruptDataException.class, InvalidKeyException.class, InvalidParameterException.class,
            MissingServletRequestParameterException.class, MethodArgumentTypeMismatchException.class})
    ProblemDetail badRequest(Exception e) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, e.getMessage());
    }

    /** A body that does not bind, e.g. a gossip message whose member address or id is malformed. */
    @ExceptionHandler(HttpMessageNotReadableException.class)
    ProblemDetail unreadable(HttpMessageNotReadableException e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, "unreadable request body: "
                + cause.getMessage());
    }

    @ExceptionHandler(TooManySiblingsException.class)
    ProblemDetail tooManySiblings(TooManySiblingsException e) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, e.getMessage());
    }

    /** Not applied, and the gateway must know it for sure: it may fail over at once, as a first attempt. */
    @ExceptionHandler(DeadlinePassedException.class)
    ProblemDetail deadlinePassed(DeadlinePassedException e) {
        refusedLate.increment();
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, e.getMessage());
        problem.setType(java.net.URI.create("https://kv.dev/problems/deadline-passed"));
        return problem;
    }

    @ExceptionHandler(StorageException.class)
    ProblemDetail storage(StorageException e) {
        log.error("storage failure", e);
        return ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, "storage failure: " + e.getMessage());
    }
}
