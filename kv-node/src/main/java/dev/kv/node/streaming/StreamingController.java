package dev.kv.node.streaming;

import dev.kv.core.codec.KeyDigestCodec;
import dev.kv.core.codec.RecordBatchCodec;
import dev.kv.core.codec.RecordCodec;
import dev.kv.core.merkle.KeyDigest;
import dev.kv.core.merkle.RecordDigest;
import dev.kv.core.placement.TokenRange;
import dev.kv.core.placement.Topology;
import dev.kv.core.placement.TopologyMessage;
import dev.kv.core.placement.TopologyVersion;
import dev.kv.core.quorum.InvalidParameterException;
import dev.kv.core.record.Record;
import dev.kv.node.membership.TopologyService;
import dev.kv.node.storage.RocksStorage;
import dev.kv.node.storage.StorageKeys;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * The source side of range streaming: a member that gains ranges reads each group of them that shares its sources
 * from those current replicas as one stream, in chunks, in storage-key order, resuming after the last key it got.
 *
 * <pre>
 * POST /internal/v1/streaming/digests  StreamRequest → key digests (binary) up to the request's "to" or about
 *                                      maxBytes of them, X-KV-Stream-Next: cursor | absent at the end
 * (the records themselves: POST /internal/v1/merkle/pull)
 *      → 409 stale-topology with this node's topology when the request's is older
 * </pre>
 */
@RestController
class StreamingController {

    static final String NEXT_HEADER = "X-KV-Stream-Next";
    private static final int MAX_CHUNK = 8 * 1024 * 1024;
    /** Every digest costs its key plus about 12 bytes. */
    private static final int DIGEST_OVERHEAD = 12;
    /** At most this many digests per answer, as a pull takes at most this many keys at a time too. */
    private static final int DIGESTS_MAX = RecordBatchCodec.BATCH_RECORDS_MAX;

    private final TopologyService topologies;
    private final RocksStorage storage;

    StreamingController(TopologyService topologies, RocksStorage storage) {
        this.topologies = topologies;
        this.storage = storage;
    }

    @PostMapping(value = "/internal/v1/streaming/digests", produces = MediaType.APPLICATION_OCTET_STREAM_VALUE)
    ResponseEntity<?> digests(@RequestBody StreamRequest request) {
        ResponseEntity<?> refused = refuseIfStale(request);
        if (refused != null) {
            return refused;
        }
        List<KeyDigest> digests = new ArrayList<>();
        StreamCursor next = scan(request, (key, value) -> {
            Record record = RecordCodec.decode(value);
            digests.add(new KeyDigest(key, RecordDigest.of(key, record)));
        });
        return answer(KeyDigestCodec.encode(digests), next);
    }

    private ResponseEntity<?> refuseIfStale(StreamRequest request) {
        if (request.topology() == null) {
            throw new InvalidParameterException("topology", "a streaming request names the topology it streams for");
        }
        topologies.adopt(request.topology());
        Topology own = topologies.current().orElseThrow(() -> new IllegalStateException("no topology yet"));
        TopologyVersion asked = TopologyVersion.parse(request.topology().version());
        if (asked.isOlderThan(own.version())) {
            ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT,
                    "streaming for topology " + asked + "; this node holds " + own.version());
            problem.setType(java.net.URI.create("urn:kv:problem:" + TopologyVersion.STALE));
            problem.setProperty("topology", TopologyMessage.of(own));
            return ResponseEntity.status(HttpStatus.CONFLICT).contentType(MediaType.APPLICATION_PROBLEM_JSON)
                    .body(problem);
        }
        return null;
    }

    /**
     * Visits the group's records after {@code from} until {@code to} (inclusive) or, without {@code to}, until about
     * {@code maxBytes} were taken; answers the cursor to continue from, or null when the group is done.
     */
    private StreamCursor scan(StreamRequest request, BiConsumer<byte[], byte[]> visitor) {
        if (request.ranges() == null || request.ranges().stream().anyMatch(r -> r == null || r.length != 2)) {
            throw new InvalidParameterException("ranges", "ranges are [start, end] token pairs");
        }
        StreamCursor from;
        StreamCursor to;
        try {
            from = StreamCursor.parse(request.from());
            to = request.to() == null ? null : StreamCursor.parse(request.to());
        } catch (IllegalArgumentException e) {
            throw new InvalidParameterException("from", e.getMessage());
        }
        int budget = Math.max(1, Math.min(MAX_CHUNK, request.maxBytes()));
        int[] taken = {0};
        int[] count = {0};
        StreamCursor[] last = {null};
        boolean[] full = {false};
        boolean[] reachedEnd = {false};
        for (int index = from.range(); index < request.ranges().size(); index++) {
            if (to != null && index > to.range()) {
                return null;
            }
            long[] range = request.ranges().get(index);
            int rangeIndex = index;
            for (byte[][] span : StorageKeys.spans(new TokenRange(range[0], range[1]))) {
                byte[] start = span[0];
                if (rangeIndex == from.range() && from.key() != null) {
                    if (span[1] != null && Arrays.compareUnsigned(from.key(), span[1]) >= 0) {
                        continue;
                    }
                    if (Arrays.compareUnsigned(from.key(), start) >= 0) {
                        start = Arrays.copyOf(from.key(), from.key().length + 1);
                    }
                }
                storage.forEachInRange(start, span[1], (storageKey, value) -> {
                    if (to != null && to.isBefore(rangeIndex, storageKey)) {
                        reachedEnd[0] = true;
                        return false;
                    }
                    if (taken[0] >= budget || count[0] >= DIGESTS_MAX) {
                        full[0] = true;
                        return false;
                    }
                    visitor.accept(StorageKeys.userKey(storageKey), value);
                    taken[0] += storageKey.length + DIGEST_OVERHEAD;
                    count[0]++;
                    last[0] = new StreamCursor(rangeIndex, storageKey);
                    return true;
                });
                if (reachedEnd[0]) {
                    return null;
                }
                if (full[0]) {
                    return last[0];
                }
            }
        }
        return null;
    }

    private static ResponseEntity<?> answer(byte[] body, StreamCursor next) {
        ResponseEntity.BodyBuilder builder = ResponseEntity.ok().contentType(MediaType.APPLICATION_OCTET_STREAM);
        if (next != null) {
            builder.header(NEXT_HEADER, next.toString());
        }
        return builder.body(body);
    }
}
