package dev.kv.core.contract;

/**
 * Every path of the internal contract in one place: what a node serves to its peers, the gateways and the dashboard
 * ({@code /internal/v1/**}, its operator endpoints under {@code /admin/v1}), and the gateway's operator endpoints
 * that the dashboard calls. Controllers map these constants and clients call them, so a path cannot be renamed on
 * one side only. The public API ({@code /v1/**}) is described by {@code openapi.yaml} instead.
 *
 * <p>Absolute paths: a member's base address is a plain {@code http[s]://host:port/} with no path of its own
 * (see {@code MemberAddress}), so resolving one of these against it names the member's endpoint.
 */
public final class InternalPaths {

    /** The common prefix of the internal API, which only members call (secret or member certificate). */
    public static final String INTERNAL = "/internal/v1";

    /** {@code GET} a replica's record, {@code PUT} a record for it to merge; {@code ?key=} the key in base64url. */
    public static final String REPLICA = INTERNAL + "/replica";
    /** {@code POST} one coordinator attempt of a client write. */
    public static final String COORDINATE = INTERNAL + "/coordinate";
    /** {@code POST} many replica calls to one node in one exchange (served ahead of Spring). */
    public static final String BATCH = INTERNAL + "/batch";

    /** {@code PUT} a hint for a down replica, {@code GET} the hints held by target. */
    public static final String HINTS = INTERNAL + "/hints";

    /** Merkle exchange: the child hashes of some tree nodes. */
    public static final String MERKLE_CHILDREN = INTERNAL + "/merkle/children";
    /** Merkle exchange: the key digests of some leaves. */
    public static final String MERKLE_DIGESTS = INTERNAL + "/merkle/digests";
    /** Merkle exchange (and range streaming): the records of some keys. */
    public static final String MERKLE_PULL = INTERNAL + "/merkle/pull";
    /** Merkle exchange: records for the peer to merge. */
    public static final String MERKLE_PUSH = INTERNAL + "/merkle/push";
    /** Every Merkle exchange path starts with this (the topology fence guards them all). */
    public static final String MERKLE_PREFIX = INTERNAL + "/merkle/";

    /** {@code GET} what a node is streaming in for the membership change under way. */
    public static final String STREAMING = INTERNAL + "/streaming";
    /** Range streaming: the records of a group of ranges, from a cursor. */
    public static final String STREAMING_RECORDS = STREAMING + "/records";
    /** Range streaming: the key digests of a group of ranges, from a cursor. */
    public static final String STREAMING_DIGESTS = STREAMING + "/digests";

    /** Gossip: the SYN (answered with the ACK). */
    public static final String GOSSIP_SYN = INTERNAL + "/gossip/syn";
    /** Gossip: the ACK2. */
    public static final String GOSSIP_ACK2 = INTERNAL + "/gossip/ack2";
    /** {@code GET} the cluster as one node judges it (members, liveness, topology). */
    public static final String CLUSTER = INTERNAL + "/cluster";
    /** {@code GET} what a node says about itself (id, generation, keys, disk, uptime). */
    public static final String INFO = INTERNAL + "/info";
    /** {@code GET} a node's metrics, Prometheus text. */
    public static final String METRICS = INTERNAL + "/metrics";

    /** {@code POST} a topology for the node to adopt if it is newer than its own. */
    public static final String TOPOLOGY = INTERNAL + "/topology";
    /** {@code POST} asks the node to leave the ring, handing its ranges over. */
    public static final String DECOMMISSION = INTERNAL + "/membership/decommission";
    /** {@code POST ?node=ID} asks the node to remove a dead member from the ring. */
    public static final String REMOVE = INTERNAL + "/membership/remove";
    /** {@code POST} starts dropping the ranges the node no longer owns, {@code GET} its progress. */
    public static final String CLEANUP = INTERNAL + "/cleanup";

    /** The common prefix of the operator endpoints, on nodes and gateways. */
    public static final String ADMIN = "/admin/v1";

    /** {@code POST} starts an anti-entropy repair, {@code GET} its progress (a node's, or the gateway's for all). */
    public static final String ADMIN_REPAIR = ADMIN + "/repair";
    /** The gateway's metrics, Prometheus text. */
    public static final String ADMIN_METRICS = ADMIN + "/metrics";
    /** The gateway's: {@code POST} asks a member to leave the ring. */
    public static final String ADMIN_DECOMMISSION = ADMIN + "/nodes/{id}/decommission";
    /** The gateway's: {@code POST} removes a dead member from the ring. */
    public static final String ADMIN_REMOVE = ADMIN + "/nodes/{id}/remove";
    /** The gateway's: {@code POST} starts the cleanup on every member. */
    public static final String ADMIN_CLEANUP = ADMIN + "/cleanup";

    private InternalPaths() {
    }
}
