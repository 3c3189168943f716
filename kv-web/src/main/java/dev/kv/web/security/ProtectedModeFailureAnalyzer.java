package dev.kv.web.security;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Prints a protected-mode refusal as a start failure that says what to set, without a stack trace to dig through. */
class ProtectedModeFailureAnalyzer extends AbstractFailureAnalyzer<ProtectedMode.ProtectedModeException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, ProtectedMode.ProtectedModeException cause) {
        return new FailureAnalysis(cause.getMessage(), cause.action(), cause);
    }
}
