package dev.kv.gateway.replica;

/**
 * A replica call that did not succeed. {@code status} is the HTTP status when the replica answered (0 when it did
 * not: timeout, refused or reset connection, unreadable body). A 4xx answer is the request's fault, not the
 * replica's, and must not be retried elsewhere.
 */
public class ReplicaException extends RuntimeException {

    private final String nodeId;
    private final int status;

    public ReplicaException(String nodeId, int status, String reason, Throwable cause) {
        super(reason, cause);
        this.nodeId = nodeId;
        this.status = status;
    }

    public String nodeId() {
        return nodeId;
    }

    public int status() {
        return status;
    }

    public boolean isClientError() {
        return status >= 400 && status < 500;
    }

    /** Whether the node answered with a refusal of its own choosing rather than failing (see {@link ReplicaGuard}). */
    public boolean answeredDeliberately() {
        return status >= 400 && status != 500;
    }

    /** Short form for quorum failure details: {@code n2: timeout after 500 ms}. */
    public String describe() {
        return nodeId + ": " + getMessage();
    }
}
