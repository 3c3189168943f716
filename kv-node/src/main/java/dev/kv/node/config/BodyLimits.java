package dev.kv.node.config;

import dev.kv.core.Limits;
import dev.kv.core.codec.RecordBatchCodec;
import dev.kv.core.contract.InternalPaths;
import dev.kv.core.merkle.MerkleTree;
import dev.kv.node.antientropy.AntiEntropyProperties;
import org.springframework.stereotype.Component;

/**
 * The largest request body each internal endpoint accepts; a larger one is answered 413 before it is read. Each cap is
 * what the endpoint can legitimately carry, derived from {@link Limits} and the configured value limit, so no
 * well-formed message is ever refused and no caller can make a node buffer more than that.
 *
 * <p>A record's encoded size (layout in {@code RecordCodec}): a format byte, the clock (at most
 * {@link Limits#CLOCK_ENTRIES_HARD_MAX} entries of actor string, counter and update time) and the siblings, each a
 * value plus at most {@value #SIBLING_OVERHEAD_BYTES} bytes of dot, timestamp, expiry, flags and content type. Writes
 * refuse more than {@link Limits#SIBLINGS_MAX} siblings, but merges never drop a concurrent sibling, so a replica may
 * legitimately hold (and send) twice that many, the most the codec decodes. With the default 1 MiB value that is
 * about 32 MiB: large, but refusing a record some replica holds would leave its key unrepairable for ever.
 */
@Component
public class BodyLimits {

    /** Actor index, counter, timestamp, expiry, flags, content type (length + 255 bytes), value length. */
    static final int SIBLING_OVERHEAD_BYTES = 2 + 10 + 8 + 10 + 1 + (2 + Limits.CONTENT_TYPE_BYTES_MAX) + 5;

    /** Entry count, then per entry an actor string (length + 255 bytes), a counter and an update time. */
    static final int CLOCK_BYTES_MAX = 2 + Limits.CLOCK_ENTRIES_HARD_MAX * (2 + Limits.ACTOR_BYTES_MAX + 10 + 10);

    /** Siblings the codec decodes in one record (a merge of two replicas at the write limit). */
    static final int SIBLINGS_DECODED_MAX = 2 * Limits.SIBLINGS_MAX;

    /**
     * Gossip SYN and ACK2 carry one state or digest per member, each under 500 bytes of JSON (id ≤ 64, address ≤ 300,
     * two longs, a status): 1 MiB holds 2,000 members, far beyond a cluster that gossips its full view every second.
     */
    public static final long GOSSIP_BYTES_MAX = 1024 * 1024;


    /** A pull lists at most {@link RecordBatchCodec#BATCH_RECORDS_MAX} base64url keys (1,366 characters + quotes). */
    public static final long PULL_REQUEST_BYTES_MAX =
            (long) RecordBatchCodec.BATCH_RECORDS_MAX * (4L * Limits.KEY_BYTES_MAX / 3 + 8) + 4096;

    /** What a batch may carry beyond its largest record: the gateway's batch target (1 MiB) with room to spare. */
    public static final long BATCH_BYTES_BEYOND_ONE_RECORD = 2L * 1024 * 1024;

    /** Requests that carry no body (reads, the repair trigger) or a tiny one. */
    public static final long DEFAULT_BYTES_MAX = 64 * 1024;
    /** A request for streamed records carries the digests of what the receiver holds: up to 256 KB, base64. */
    public static final long STREAM_REQUEST_BYTES_MAX = 1024 * 1024;

    private final long valueBytesMax;
    private final long recordBytesMax;
    private final long merkleRequestBytesMax;

    public BodyLimits(NodeProperties properties, AntiEntropyProperties antiEntropy) {
        this.valueBytesMax = properties.valueMax().toBytes();
        // Children and digests requests list tree node or leaf indexes: at most one per leaf (16^depth), each a
        // number of up to 7 digits and a comma, plus the range name (replica ids).
        this.merkleRequestBytesMax = (long) Math.pow(MerkleTree.FANOUT, antiEntropy.depth()) * 8 + 4096;
        this.recordBytesMax = 1 + CLOCK_BYTES_MAX + 5 + SIBLINGS_DECODED_MAX * (valueBytesMax + SIBLING_OVERHEAD_BYTES);
    }

    /** A coordinated write carries the value alone. */
    public long valueBytesMax() {
        return valueBytesMax;
    }

    /** A replica merge or a hint carries one record. */
    public long recordBytesMax() {
        return recordBytesMax;
    }

    /**
     * A Merkle push carries a record batch, which the sending side splits to stay within this: one record of the
     * largest size with its key and framing, so even a single maximal record can always be pushed.
     */
    public long pushBytesMax() {
        return recordBytesMax + Limits.KEY_BYTES_MAX + 32;
    }

    /**
     * A batch of replica calls ({@code POST /internal/v1/batch}): a gateway closes a batch at 1 MiB unless its one call
     * is larger, so a batch never carries more than one largest record plus that much.
     */
    public long batchBytesMax() {
        return recordBytesMax + BATCH_BYTES_BEYOND_ONE_RECORD;
    }

    /** The cap for a request to {@code path} (the decoded, normalised servlet path) with {@code method}. */
    public long forRequest(String method, String path) {
        return switch (method + " " + path) {
            case "POST " + InternalPaths.COORDINATE -> valueBytesMax;
            case "PUT " + InternalPaths.REPLICA, "PUT " + InternalPaths.HINTS -> recordBytesMax;
            case "PUT " + InternalPaths.MERKLE_PUSH -> pushBytesMax();
            case "POST " + InternalPaths.BATCH -> batchBytesMax();
            case "POST " + InternalPaths.MERKLE_PULL -> PULL_REQUEST_BYTES_MAX;
            case "POST " + InternalPaths.STREAMING_RECORDS -> STREAM_REQUEST_BYTES_MAX;
            case "POST " + InternalPaths.MERKLE_CHILDREN, "POST " + InternalPaths.MERKLE_DIGESTS ->
                    merkleRequestBytesMax;
            case "POST " + InternalPaths.GOSSIP_SYN, "POST " + InternalPaths.GOSSIP_ACK2 -> GOSSIP_BYTES_MAX;
            default -> DEFAULT_BYTES_MAX;
        };
    }
}
