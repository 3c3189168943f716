package dev.kv.web.security;

import dev.kv.web.ProblemWriter;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import org.springframework.security.web.firewall.StrictHttpFirewall;

/**
 * What a service answers when Spring Security's {@link StrictHttpFirewall} refuses a path (one of its other spellings:
 * {@code ;} parameters, {@code //}, {@code /./}, {@code ..}, encoded {@code /}, {@code .}, {@code %} or {@code \}).
 */
public final class RejectedRequests {

    /** Advice for APIs whose callers build paths themselves. */
    public static final String CANONICAL_SPELLING_ADVICE = " (paths must be sent in their one canonical spelling)";

    private RejectedRequests() {
    }

    /**
     * A refused path is the caller's error: 400 with a problem, never a 500 or an HTML page.
     *
     * @param advice appended to the detail ({@link #CANONICAL_SPELLING_ADVICE}, or empty)
     */
    public static RequestRejectedHandler asProblem(ProblemWriter problems, String advice) {
        return (request, response, e) -> problems.write(response, 400, "invalid-request", "Bad Request",
                "the request was refused before routing: " + e.getMessage() + advice);
    }
}
