package dev.kv.core.contract;

/**
 * Why a call to a replica did not succeed, as the coordination state machines and the metrics need to know it: whether
 * the replica may have carried the request out (a coordinator must then treat the attempt as possibly applied), whether
 * the request itself was at fault (never retried elsewhere), and whether the replica refused it for its topology.
 */
public enum FailureKind {
    /** The replica was judged down (gossip, circuit breaker) and was not called. */
    NOT_CALLED("down", false),
    /**
     * The request never reached the replica: the connection was refused or could not be opened in time, or the call
     * waited too long for a free connection and was never sent.
     */
    UNREACHABLE("unreachable", false),
    /** The local bulkhead was full: the call was never made. */
    BULKHEAD_FULL("bulkhead_full", false),
    /** The circuit breaker was open: the call was never made. */
    CIRCUIT_OPEN("circuit_open", false),
    /** No answer within the timeout, or the connection broke after the request was sent. */
    TIMEOUT("unreachable", true),
    /** The answer could not be read. */
    UNREADABLE("garbage", true),
    /** The replica failed with an internal error (500): it may have applied the request before failing. */
    SERVER_ERROR("failed", true),
    /**
     * The replica answered without carrying the request out: it refused deliberately (503 not ready or deadline
     * passed, 507 hints full, 401/403 credential), or answered with a status the call does not expect (a 3xx).
     */
    REFUSED("failed", false),
    /** The request was routed with another topology than the replica's (409): nothing applied. */
    FENCED("failed", false),
    /** The request itself is invalid (a 4xx other than a credential or a fence): the client's fault. */
    REJECTED("rejected", false),
    /**
     * The call failed with an error the transport does not classify, neither an I/O failure nor an answer: where it
     * failed is not known, so the replica may have applied the request.
     */
    UNKNOWN("unreachable", true);

    private final String metricTag;
    private final boolean mayHaveApplied;

    FailureKind(String metricTag, boolean mayHaveApplied) {
        this.metricTag = metricTag;
        this.mayHaveApplied = mayHaveApplied;
    }

    /** Whether the replica may have carried the request out although the call failed. */
    public boolean mayHaveApplied() {
        return mayHaveApplied;
    }

    /** Whether the request, not the replica, is at fault: it must not be tried on another replica. */
    public boolean isClientError() {
        return this == REJECTED;
    }

    /** The {@code outcome} tag of the replica call metrics. */
    public String metricTag() {
        return metricTag;
    }
}
