package dev.kv.gateway.replica;

import dev.kv.core.placement.TopologyMessage;

/**
 * A replica call that did not succeed. {@code status} is the HTTP status when the replica answered (0 when it did
 * not: timeout, refused or reset connection, unreadable body). A 4xx answer is the request's fault, not the
 * replica's, and must not be retried elsewhere; except a refused credential (401, 403), which says the gateway and that
 * node do not share a cluster secret: the cluster's fault, never the client's.
 */
public class ReplicaException extends RuntimeException {

    private final String nodeId;
    private final int status;
    private final boolean reachedNode;
    private final String fencing;
    private final TopologyMessage newerTopology;

    /** A failure that tells by its status whether the node got the request: an answer (status > 0) or none (0). */
    public ReplicaException(String nodeId, int status, String reason, Throwable cause) {
        this(nodeId, status, reason, cause, status > 0);
    }

    /**
     * @param reachedNode whether the request may have reached the node (for status 0: a timeout or a connection
     *                    broken after sending, as opposed to a refused connection or a call never made)
     */
    public ReplicaException(String nodeId, int status, String reason, Throwable cause, boolean reachedNode) {
        this(nodeId, status, reason, cause, reachedNode, null, null);
    }

    private ReplicaException(String nodeId, int status, String reason, Throwable cause, boolean reachedNode,
                             String fencing, TopologyMessage newerTopology) {
        super(reason, cause);
        this.nodeId = nodeId;
        this.status = status;
        this.reachedNode = reachedNode;
        this.fencing = fencing;
        this.newerTopology = newerTopology;
    }

    /**
     * The node refused a request routed with another topology than its own (409, nothing applied): {@code kind}
     * is {@code stale-topology} (the node's is newer, and comes along) or {@code topology-behind}.
     */
    public static ReplicaException fenced(String nodeId, String reason, String kind, TopologyMessage newer) {
        return new ReplicaException(nodeId, 409, reason, null, true, kind, newer);
    }

    /** Whether the node refused the request because it was routed with another topology. */
    public boolean isFenced() {
        return fencing != null;
    }

    /** The node's newer topology when it refused a request routed with an older one, else null. */
    public TopologyMessage newerTopology() {
        return newerTopology;
    }

    /**
     * Whether the node may have carried out the request although it failed: it did not answer after the request may
     * have reached it, its answer was unreadable, or it failed with an internal error (500). A deliberate refusal
     * (any other status) or a call that never reached it (refused connection, open breaker) was not carried out.
     */
    public boolean mayHaveApplied() {
        return status == 500 || (status == 0 && reachedNode);
    }

    public String nodeId() {
        return nodeId;
    }

    public int status() {
        return status;
    }

    /** Whether the request itself was refused (a 4xx other than a refused credential or a topology fence). */
    public boolean isClientError() {
        return status >= 400 && status < 500 && status != 401 && status != 403 && !isFenced();
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
