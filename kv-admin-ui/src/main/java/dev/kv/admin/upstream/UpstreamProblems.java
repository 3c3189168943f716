package dev.kv.admin.upstream;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** An unreachable service is a 502 problem the page can show, never a stack trace or a hang. */
@RestControllerAdvice
class UpstreamProblems {

    @ExceptionHandler(UpstreamException.class)
    ResponseEntity<ProblemDetail> unreachable(UpstreamException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_GATEWAY, e.getMessage());
        problem.setTitle("Service unreachable");
        problem.setProperty("service", e.service());
        return ResponseEntity.status(HttpStatus.BAD_GATEWAY).contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(problem);
    }
}
