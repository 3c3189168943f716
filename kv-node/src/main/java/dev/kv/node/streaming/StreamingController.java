package dev.kv.node.streaming;

import dev.kv.core.codec.KeyDigestCodec;
import dev.kv.core.codec.RecordBatchCodec;
import dev.kv.core.contract.Headers;
import dev.kv.core.contract.InternalPaths;
import dev.kv.core.merkle.KeyDigest;
import dev.kv.core.placement.Topology;
import dev.kv.core.placement.TopologyMessage;
import dev.kv.core.placement.TopologyVersion;
import dev.kv.core.quorum.InvalidParameterException;
import dev.kv.node.membership.TopologyService;
import dev.kv.node.storage.RocksStorage;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The source side of range streaming: a member that gains ranges reads each group of them that shares its sources
 * from those current replicas as one stream, in chunks, in storage-key order, resuming after the last key it got.
 *
 * <pre>
 * POST /internal/v1/streaming/records  StreamRequest → record batch (binary) up to the request's "to" or about
 *                                      maxBytes of records, X-KV-Stream-Next: cursor | absent at the end
 * POST /internal/v1/streaming/digests  StreamRequest → key digests (binary), the same way
 * (single records by key: POST /internal/v1/merkle/pull)
 *      → 409 stale-topology with this node's topology when the request's is older
 * </pre>
 */
@RestController
class StreamingController {

    private static final int MAX_CHUNK = 8 * 1024 * 1024;
    /** At most this many records or digests per answer, as a batch or a pull holds at most this many too. */
    private static final int RECORDS_MAX = RecordBatchCodec.BATCH_RECORDS_MAX;

    private final TopologyService topologies;
    private final RocksStorage storage;

    StreamingController(TopologyService topologies, RocksStorage storage) {
        this.topologies = topologies;
        this.storage = storage;
    }

    /**
     * The records themselves, as stored: the bulk of a transfer, read by one range scan and sent without decoding
     * (the receiver merges each, so a record written there meanwhile is kept).
     */
    @PostMapping(value = InternalPaths.STREAMING_RECORDS, produces = MediaType.APPLICATION_OCTET_STREAM_VALUE)
    ResponseEntity<?> records(@RequestBody StreamRequest request) {
        ResponseEntity<?> refused = refuseIfStale(request);
        if (refused != null) {
            return refused;
        }
        Map<ByteBuffer, Long> held = held(request);
        RecordBatchCodec.Writer batch =
                new RecordBatchCodec.Writer(Math.min(MAX_CHUNK, Math.max(1, request.maxBytes())));
        StreamCursor next = scan(request, (key, value) -> {
            Long digest = held.get(ByteBuffer.wrap(key));
            if (digest != null && digest == RangeGroupScan.digestOf(key, value).digest()) {
                return -1; // the receiver holds this very version already
            }
            batch.addEncoded(key, value);
            return key.length + value.length;
        });
        return answer(batch.toByteArray(), next);
    }

    @PostMapping(value = InternalPaths.STREAMING_DIGESTS, produces = MediaType.APPLICATION_OCTET_STREAM_VALUE)
    ResponseEntity<?> digests(@RequestBody StreamRequest request) {
        ResponseEntity<?> refused = refuseIfStale(request);
        if (refused != null) {
            return refused;
        }
        List<KeyDigest> digests = new ArrayList<>();
        StreamCursor next = scan(request, (key, value) -> {
            digests.add(RangeGroupScan.digestOf(key, value));
            return key.length + RangeGroupScan.DIGEST_OVERHEAD;
        });
        return answer(KeyDigestCodec.encode(digests), next);
    }

    /** The digests of the records the receiver holds in the span, by key. */
    private static Map<ByteBuffer, Long> held(StreamRequest request) {
        if (request.held() == null || request.held().isEmpty()) {
            return Map.of();
        }
        List<KeyDigest> digests;
        try {
            digests = KeyDigestCodec.decode(Base64.getDecoder().decode(request.held()));
        } catch (IllegalArgumentException e) { // a CorruptDataException too
            throw new InvalidParameterException("held", "held is base64 of key digests: " + e.getMessage());
        }
        Map<ByteBuffer, Long> byKey = new HashMap<>(digests.size() * 2);
        for (KeyDigest digest : digests) {
            byKey.put(ByteBuffer.wrap(digest.key()), digest.digest());
        }
        return byKey;
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
     * Reads the request's span of its group; {@code visitor} decides about each record, as in {@link RangeGroupScan}.
     */
    private StreamCursor scan(StreamRequest request, RangeGroupScan.Visitor visitor) {
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
        return RangeGroupScan.scan(storage, request.ranges(), from, to, budget, RECORDS_MAX, visitor);
    }

    private static ResponseEntity<?> answer(byte[] body, StreamCursor next) {
        ResponseEntity.BodyBuilder builder = ResponseEntity.ok().contentType(MediaType.APPLICATION_OCTET_STREAM);
        if (next != null) {
            builder.header(Headers.STREAM_NEXT, next.toString());
        }
        return builder.body(body);
    }
}
