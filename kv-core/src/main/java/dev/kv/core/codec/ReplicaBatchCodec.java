package dev.kv.core.codec;

import dev.kv.core.Limits;
import dev.kv.core.key.KeyCodec;

import java.util.ArrayList;
import java.util.List;

/**
 * Many replica data calls to one node in one HTTP exchange (issue 13): the reads, merges and coordinate attempts that
 * a gateway's concurrent client requests send to the same node while its previous exchange with that node is still
 * out. Each call keeps its own meaning and its own answer: a status and a body exactly as the per-call endpoint
 * ({@code /internal/v1/replica}, {@code /internal/v1/coordinate}) would answer, so one call's failure is never
 * another's.
 *
 * <pre>
 * request  = format 1, count, count × op
 * op       = kind (1 read, 2 merge, 3 coordinate), topology (string, empty: not stamped), key (bytes), then
 *            merge:      record (bytes, {@link RecordCodec})
 *            coordinate: flags (1 delete, 2 re-attempt, 4 ttl, 8 content type, 16 context), [ttl seconds],
 *                        [content type], [context token], write id (8 bytes), deadline millis (8 bytes), value (bytes)
 * response = format 1, count, count × (status, body (bytes))
 * </pre>
 * Counts, lengths and the ttl are varints. Lengths are bounded by the caller's limits, so a hostile batch cannot make a
 * node allocate more than its body cap.
 */
public final class ReplicaBatchCodec {

    /** Calls in one batch at most; a gateway sends far fewer (see its batching settings). */
    public static final int OPS_MAX = 4096;

    private static final int FORMAT = 1;
    private static final int READ = 1;
    private static final int MERGE = 2;
    private static final int COORDINATE = 3;
    private static final int DELETE = 1;
    private static final int REATTEMPT = 2;
    private static final int HAS_TTL = 4;
    private static final int HAS_CONTENT_TYPE = 8;
    private static final int HAS_CONTEXT = 16;
    /** A topology version is two small numbers and a short digest; anything longer is not one. */
    private static final int TOPOLOGY_BYTES_MAX = 256;
    /** A causal context token is a base64 version vector: bounded by the clock's hard size limit. */
    private static final int CONTEXT_BYTES_MAX = 64 * 1024;
    /** A status and an empty body: what an answer costs beyond its body, for sizing buffers. */
    private static final int RESULT_OVERHEAD = 8;

    private ReplicaBatchCodec() {
    }

    /** One replica call of a batch. */
    public sealed interface Op permits Read, Merge, Coordinate {

        /** The key the call is about (validated by the node like a per-call request's). */
        byte[] key();

        /** The topology version the call was routed with; {@code null} when not stamped. */
        String topology();
    }

    /** {@code GET /internal/v1/replica}. */
    public record Read(byte[] key, String topology) implements Op {
    }

    /** {@code PUT /internal/v1/replica}: the record to merge, in {@link RecordCodec}'s form. */
    public record Merge(byte[] key, String topology, byte[] record) implements Op {
    }

    /**
     * {@code POST /internal/v1/coordinate}.
     *
     * @param ttlSeconds     null: no expiry
     * @param contentType    null: none given
     * @param context        the client's causal context token; null: none
     * @param deadlineMillis epoch millis after which the node must not apply the attempt
     */
    public record Coordinate(byte[] key, String topology, boolean delete, Long ttlSeconds, String contentType,
                             String context, long writeId, long deadlineMillis, boolean reattempt, byte[] value)
            implements Op {
    }

    /** The answer to one call: what the per-call endpoint would have answered. */
    public record Result(int status, byte[] body) {

        public Result {
            if (status < 100 || status > 599) {
                throw new IllegalArgumentException("not an HTTP status: " + status);
            }
            body = body == null ? new byte[0] : body;
        }
    }

    public static byte[] encodeRequest(List<? extends Op> ops) {
        int size = 16;
        for (Op op : ops) {
            size += 32 + op.key().length + sizeOf(op);
        }
        ByteWriter out = new ByteWriter(size);
        out.writeByte(FORMAT);
        out.writeVarLong(ops.size());
        for (Op op : ops) {
            switch (op) {
                case Read read -> head(out, READ, read);
                case Merge merge -> {
                    head(out, MERGE, merge);
                    out.writeBytes(merge.record());
                }
                case Coordinate write -> {
                    head(out, COORDINATE, write);
                    int flags = (write.delete() ? DELETE : 0) | (write.reattempt() ? REATTEMPT : 0)
                            | (write.ttlSeconds() != null ? HAS_TTL : 0)
                            | (write.contentType() != null ? HAS_CONTENT_TYPE : 0)
                            | (write.context() != null ? HAS_CONTEXT : 0);
                    out.writeByte(flags);
                    if (write.ttlSeconds() != null) {
                        out.writeVarLong(write.ttlSeconds());
                    }
                    if (write.contentType() != null) {
                        out.writeString(write.contentType());
                    }
                    if (write.context() != null) {
                        out.writeString(write.context());
                    }
                    out.writeLong(write.writeId());
                    out.writeLong(write.deadlineMillis());
                    out.writeBytes(write.value() == null ? new byte[0] : write.value());
                }
            }
        }
        return out.toByteArray();
    }

    /** The payload an op carries beyond its key (for sizing batches). */
    public static int sizeOf(Op op) {
        return switch (op) {
            case Read read -> 0;
            case Merge merge -> merge.record().length;
            case Coordinate write -> (write.value() == null ? 0 : write.value().length)
                    + (write.context() == null ? 0 : write.context().length())
                    + (write.contentType() == null ? 0 : write.contentType().length());
        };
    }

    private static void head(ByteWriter out, int kind, Op op) {
        out.writeByte(kind);
        out.writeString(op.topology() == null ? "" : op.topology());
        out.writeBytes(op.key());
    }

    /**
     * The calls of a batch.
     *
     * @param payloadBytesMax the largest record or value one call may carry
     * @throws CorruptDataException if the bytes are not a batch within those bounds
     */
    public static List<Op> decodeRequest(byte[] bytes, int payloadBytesMax) {
        ByteReader in = new ByteReader(bytes);
        format(in);
        int count = in.readLength(OPS_MAX, "batch");
        List<Op> ops = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int kind = in.readByte();
            String topology = in.readString(TOPOLOGY_BYTES_MAX, "topology");
            topology = topology.isEmpty() ? null : topology;
            // Keys are bounded here only to protect the node's memory; the op's handler checks them exactly
            // (KeyCodec.check), so a key just too long is that call's 400, not a corrupt batch.
            byte[] key = in.readBytes(KeyCodec.READ_BYTES_MAX, "key");
            ops.add(switch (kind) {
                case READ -> new Read(key, topology);
                case MERGE -> new Merge(key, topology, in.readBytes(payloadBytesMax, "record"));
                case COORDINATE -> {
                    int flags = in.readByte();
                    Long ttl = (flags & HAS_TTL) != 0 ? in.readVarLong() : null;
                    String contentType = (flags & HAS_CONTENT_TYPE) != 0
                            ? in.readString(Limits.CONTENT_TYPE_BYTES_MAX + 1, "content type") : null;
                    String context = (flags & HAS_CONTEXT) != 0 ? in.readString(CONTEXT_BYTES_MAX, "context") : null;
                    long writeId = in.readLong();
                    long deadline = in.readLong();
                    byte[] value = in.readBytes(payloadBytesMax, "value");
                    yield new Coordinate(key, topology, (flags & DELETE) != 0, ttl, contentType, context, writeId,
                            deadline, (flags & REATTEMPT) != 0, value);
                }
                default -> throw new CorruptDataException("unknown call kind " + kind);
            });
        }
        in.expectEnd();
        return ops;
    }

    public static byte[] encodeResponse(List<Result> results) {
        int size = 16;
        for (Result result : results) {
            size += RESULT_OVERHEAD + result.body().length;
        }
        ByteWriter out = new ByteWriter(size);
        out.writeByte(FORMAT);
        out.writeVarLong(results.size());
        for (Result result : results) {
            out.writeVarLong(result.status());
            out.writeBytes(result.body());
        }
        return out.toByteArray();
    }

    /**
     * The answers of a batch, one per call in the order sent.
     *
     * @throws CorruptDataException if the bytes are not a batch's answers, or not {@code expected} of them
     */
    public static List<Result> decodeResponse(byte[] bytes, int expected) {
        ByteReader in = new ByteReader(bytes);
        format(in);
        int count = in.readLength(OPS_MAX, "batch");
        if (count != expected) {
            throw new CorruptDataException(count + " answers to a batch of " + expected);
        }
        List<Result> results = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            long status = in.readVarLong();
            if (status < 100 || status > 599) {
                throw new CorruptDataException("status " + status + " is not an HTTP status");
            }
            results.add(new Result((int) status, in.readBytes(Integer.MAX_VALUE - 16, "answer")));
        }
        in.expectEnd();
        return results;
    }

    private static void format(ByteReader in) {
        int format = in.readByte();
        if (format != FORMAT) {
            throw new CorruptDataException("unknown batch format " + format);
        }
    }
}
