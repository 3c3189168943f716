package dev.kv.node.replica;

import dev.kv.core.codec.CorruptDataException;
import dev.kv.core.key.InvalidKeyException;
import dev.kv.core.quorum.InvalidParameterException;
import dev.kv.core.record.TooManySiblingsException;
import dev.kv.core.replica.DeadlinePassedException;
import dev.kv.node.storage.StorageException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;

import java.net.URI;

/** Internal API errors as RFC 9457 problems: bad input is the caller's 4xx, storage failure a 503. */
@RestControllerAdvice
class NodeErrorHandler {

    private final ReplicaFailures failures;

    NodeErrorHandler(ReplicaFailures failures) {
        this.failures = failures;
    }

    /** The data path's failures, answered as a batched call's are ({@link ReplicaFailures}). */
    @ExceptionHandler({CorruptDataException.class, InvalidKeyException.class, InvalidParameterException.class,
            TooManySiblingsException.class, DeadlinePassedException.class, StorageException.class})
    ProblemDetail dataPathFailure(RuntimeException e) {
        ReplicaFailures.Problem problem = failures.problem(e);
        ProblemDetail detail = ProblemDetail.forStatusAndDetail(HttpStatus.valueOf(problem.status()), problem.detail());
        if (problem.kind() != null) {
            detail.setType(URI.create(ReplicaFailures.TYPE_PREFIX + problem.kind()));
        }
        return detail;
    }

    @ExceptionHandler({MissingServletRequestParameterException.class, MethodArgumentTypeMismatchException.class})
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
}
