package dev.kv.node.replica;

import dev.kv.core.codec.ReplicaBatchCodec;
import dev.kv.core.contract.Headers;
import dev.kv.core.contract.InternalPaths;
import dev.kv.core.key.KeyCodec;
import dev.kv.core.quorum.InvalidParameterException;
import dev.kv.core.version.WriteIds;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The replica side of the data path (DESIGN §3, §5), binary throughout. Keys travel base64url-encoded in the
 * {@code key} query parameter, so no path handling can alter them; records travel in the codec's binary form.
 *
 * <pre>
 * GET  /internal/v1/replica?key=K      → 200 record | 404          replica read
 * PUT  /internal/v1/replica?key=K      record → 204                 merge a replica's record (replication, repair)
 * POST /internal/v1/coordinate?key=K&op=put|delete[&ttl=S]
 *      X-KV-Content-Type, X-KV-Context, X-KV-Write-Id, X-KV-Deadline, X-KV-Reattempt, value bytes
 *                                         → 200 record              coordinate a client write
 *                                         → 503 deadline-passed     not applied: the deadline (epoch millis) passed
 * </pre>
 */
@RestController
class ReplicaController {

    private static final MediaType RECORD = MediaType.APPLICATION_OCTET_STREAM;

    private final ReplicaCalls calls;

    ReplicaController(ReplicaCalls calls) {
        this.calls = calls;
    }

    @GetMapping(InternalPaths.REPLICA)
    ResponseEntity<byte[]> read(@RequestParam("key") String key) {
        byte[] record = calls.read(KeyCodec.decode(key));
        return record == null ? ResponseEntity.notFound().build()
                : ResponseEntity.ok().contentType(RECORD).body(record);
    }

    @PutMapping(value = InternalPaths.REPLICA, consumes = MediaType.APPLICATION_OCTET_STREAM_VALUE)
    ResponseEntity<Void> merge(@RequestParam("key") String key, @RequestBody byte[] body) {
        calls.merge(KeyCodec.decode(key), body);
        return ResponseEntity.noContent().build();
    }

    @PostMapping(value = InternalPaths.COORDINATE, consumes = MediaType.APPLICATION_OCTET_STREAM_VALUE)
    ResponseEntity<byte[]> coordinate(@RequestParam("key") String key, @RequestParam("op") String op,
                                      @RequestParam(value = "ttl", required = false) Long ttlSeconds,
                                      @RequestHeader(value = Headers.CONTENT_TYPE, required = false) String contentType,
                                      @RequestHeader(value = Headers.CONTEXT, required = false) String context,
                                      @RequestHeader(value = Headers.WRITE_ID, required = false) String writeId,
                                      @RequestHeader(value = Headers.DEADLINE, required = false) Long deadline,
                                      @RequestHeader(value = Headers.REATTEMPT, required = false) boolean reattempt,
                                      @RequestBody(required = false) byte[] body) {
        byte[] keyBytes = KeyCodec.decode(key);
        boolean delete = switch (op) {
            case "put" -> false;
            case "delete" -> true;
            default -> throw new InvalidParameterException("op", "op must be put or delete");
        };
        byte[] written = calls.coordinate(new ReplicaBatchCodec.Coordinate(keyBytes, null, delete, ttlSeconds,
                contentType, context, parseWriteId(writeId), deadline == null ? Long.MAX_VALUE : deadline, reattempt,
                delete ? new byte[0] : body));
        return ResponseEntity.ok().contentType(RECORD).body(written);
    }

    private static long parseWriteId(String text) {
        try {
            return WriteIds.parse(text);
        } catch (IllegalArgumentException e) {
            throw new InvalidParameterException(Headers.WRITE_ID, Headers.WRITE_ID + " must be 16 hex digits");
        }
    }
}
