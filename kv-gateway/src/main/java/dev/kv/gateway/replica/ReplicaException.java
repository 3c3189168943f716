package dev.kv.gateway.replica;

import dev.kv.core.contract.FailureKind;
import dev.kv.core.placement.TopologyMessage;

/**
 * A replica call that did not succeed, and why ({@link #kind}): what a coordinator must conclude from it (whether the
 * replica may have applied the request, whether the request itself was at fault) follows from the kind, never from
 * the message, which is for operators. {@code status} is the HTTP status when the replica answered (0 when it did
 * not: timeout, refused or reset connection, unreadable body, a call never made). A 4xx answer is the request's fault,
 * not the replica's, and must not be retried elsewhere; except a refused credential (401, 403), which says the gateway
 * and that node do not share a cluster secret: the cluster's fault, never the client's.
 */
public class ReplicaException extends RuntimeException {

    private final String nodeId;
    private final int status;
    private final FailureKind kind;
    private final TopologyMessage newerTopology;

    /**
     * The replica answered with a status the call does not accept; its kind follows from the status. A status of 0
     * stands for no answer from a replica the request never reached ({@link FailureKind#UNREACHABLE}).
     */
    public ReplicaException(String nodeId, int status, String reason, Throwable cause) {
        this(nodeId, status, answered(status), reason, cause, null);
    }

    /** No answer (status 0), for the reason {@code kind} says. */
    public ReplicaException(String nodeId, FailureKind kind, String reason, Throwable cause) {
        this(nodeId, 0, kind, reason, cause, null);
    }

    private ReplicaException(String nodeId, int status, FailureKind kind, String reason, Throwable cause,
                             TopologyMessage newerTopology) {
        super(reason, cause);
        this.nodeId = nodeId;
        this.status = status;
        this.kind = kind;
        this.newerTopology = newerTopology;
    }

    /**
     * The node refused a request routed with another topology than its own (409, nothing applied): its newer
     * topology comes along when the request's was older, else {@code newer} is null.
     */
    public static ReplicaException fenced(String nodeId, String reason, TopologyMessage newer) {
        return new ReplicaException(nodeId, 409, FailureKind.FENCED, reason, null, newer);
    }

    /**
     * The kind of an answer whose status the call does not accept: a 500 may have been applied before the node
     * failed; a 4xx is the client's fault except a refused credential; any other status (503 not ready, 507, a
     * status no node sends) is a refusal that applied nothing.
     */
    private static FailureKind answered(int status) {
        if (status == 0) {
            return FailureKind.UNREACHABLE;
        }
        if (status == 500) {
            return FailureKind.SERVER_ERROR;
        }
        if (status >= 400 && status < 500 && status != 401 && status != 403) {
            return FailureKind.REJECTED;
        }
        return FailureKind.REFUSED;
    }

    /** Why the call failed. */
    public FailureKind kind() {
        return kind;
    }

    /** Whether the node refused the request because it was routed with another topology. */
    public boolean isFenced() {
        return kind == FailureKind.FENCED;
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
        return kind.mayHaveApplied();
    }

    public String nodeId() {
        return nodeId;
    }

    public int status() {
        return status;
    }

    /** Whether the request itself was refused (a 4xx other than a refused credential or a topology fence). */
    public boolean isClientError() {
        return kind.isClientError();
    }

    /**
     * Whether the node answered with a refusal of its own choosing rather than failing (see {@link ReplicaGuard}): any
     * status from 400 up but 500. By the status rather than the kind: an answer with a status the call does not
     * expect (a 3xx) is {@link FailureKind#REFUSED} too, yet counts against the node's breaker.
     */
    public boolean answeredDeliberately() {
        return status >= 400 && status != 500;
    }

    /** Short form for quorum failure details: {@code n2: timeout after 500 ms}. */
    public String describe() {
        return nodeId + ": " + getMessage();
    }
}
