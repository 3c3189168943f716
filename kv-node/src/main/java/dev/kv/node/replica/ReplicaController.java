package dev.kv.node.replica;

import dev.kv.core.Limits;
import dev.kv.core.codec.RecordCodec;
import dev.kv.core.key.InvalidKeyException;
import dev.kv.core.quorum.InvalidParameterException;
import dev.kv.core.record.Mutation;
import dev.kv.core.record.Record;
import dev.kv.core.record.Sibling;
import dev.kv.core.version.VersionVector;
import dev.kv.core.version.WriteIds;
import dev.kv.core.write.WriteAttempts;
import dev.kv.node.storage.RecordStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.time.InstantSource;
import java.util.Base64;
import java.util.function.Supplier;

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
@RequestMapping("/internal/v1")
class ReplicaController {

    static final String CONTENT_TYPE_HEADER = "X-KV-Content-Type";
    static final String CONTEXT_HEADER = "X-KV-Context";
    private static final String WRITE_ID_HEADER = WriteAttempts.WRITE_ID_HEADER;
    private static final String DEADLINE_HEADER = WriteAttempts.DEADLINE_HEADER;
    private static final String REATTEMPT_HEADER = WriteAttempts.REATTEMPT_HEADER;
    private static final MediaType RECORD = MediaType.APPLICATION_OCTET_STREAM;

    private final RecordStore store;
    private final InstantSource clock;
    private final Timer readTimer;
    private final Timer mergeTimer;
    private final Timer coordinateTimer;

    ReplicaController(RecordStore store, InstantSource clock, MeterRegistry registry) {
        this.store = store;
        this.clock = clock;
        this.readTimer = timer(registry, "read");
        this.mergeTimer = timer(registry, "merge");
        this.coordinateTimer = timer(registry, "coordinate");
    }

    @GetMapping("/replica")
    ResponseEntity<byte[]> read(@RequestParam("key") String key) {
        byte[] keyBytes = decodeKey(key);
        byte[] record = timed(readTimer, () -> store.readEncoded(keyBytes));
        return record == null ? ResponseEntity.notFound().build()
                : ResponseEntity.ok().contentType(RECORD).body(record);
    }

    @PutMapping(value = "/replica", consumes = MediaType.APPLICATION_OCTET_STREAM_VALUE)
    ResponseEntity<Void> merge(@RequestParam("key") String key, @RequestBody byte[] body) {
        byte[] keyBytes = decodeKey(key);
        Record incoming = RecordCodec.decode(body);
        timed(mergeTimer, () -> store.merge(keyBytes, incoming));
        return ResponseEntity.noContent().build();
    }

    @PostMapping(value = "/coordinate", consumes = MediaType.APPLICATION_OCTET_STREAM_VALUE)
    ResponseEntity<byte[]> coordinate(@RequestParam("key") String key, @RequestParam("op") String op,
                                      @RequestParam(value = "ttl", required = false) Long ttlSeconds,
                                      @RequestHeader(value = CONTENT_TYPE_HEADER, required = false) String contentType,
                                      @RequestHeader(value = CONTEXT_HEADER, required = false) String context,
                                      @RequestHeader(value = WRITE_ID_HEADER, required = false) String writeId,
                                      @RequestHeader(value = DEADLINE_HEADER, required = false) Long deadline,
                                      @RequestHeader(value = REATTEMPT_HEADER, required = false) boolean reattempt,
                                      @RequestBody(required = false) byte[] body) {
        byte[] keyBytes = decodeKey(key);
        VersionVector causalContext = context == null || context.isBlank() ? null
                : RecordCodec.parseContextToken(context);
        Mutation mutation = switch (op) {
            case "put" -> Mutation.put(body == null ? new byte[0] : body, contentType, expiry(ttlSeconds),
                    causalContext);
            case "delete" -> Mutation.delete(causalContext);
            default -> throw new InvalidParameterException("op", "op must be put or delete");
        };
        if (mutation.value().length > Limits.VALUE_BYTES_HARD_MAX) {
            throw new InvalidParameterException("value", "value exceeds " + Limits.VALUE_BYTES_HARD_MAX + " bytes");
        }
        long id = parseWriteId(writeId);
        if (reattempt && id == WriteIds.NONE) {
            throw new InvalidParameterException(REATTEMPT_HEADER, "a re-attempt needs " + WRITE_ID_HEADER);
        }
        Mutation attempt = mutation.asWrite(id, reattempt);
        Record written = timed(coordinateTimer, () -> store.coordinate(keyBytes, attempt,
                deadline == null ? Long.MAX_VALUE : deadline));
        return ResponseEntity.ok().contentType(RECORD).body(RecordCodec.encode(written));
    }

    private static long parseWriteId(String text) {
        try {
            return WriteIds.parse(text);
        } catch (IllegalArgumentException e) {
            throw new InvalidParameterException(WRITE_ID_HEADER, WRITE_ID_HEADER + " must be 16 hex digits");
        }
    }

    private long expiry(Long ttlSeconds) {
        if (ttlSeconds == null) {
            return Sibling.NO_EXPIRY;
        }
        if (ttlSeconds < 1 || ttlSeconds > Limits.TTL_SECONDS_MAX) {
            throw new InvalidParameterException("ttl", "ttl must be 1.." + Limits.TTL_SECONDS_MAX + " seconds");
        }
        return clock.millis() + ttlSeconds * 1000;
    }

    static byte[] decodeKey(String key) {
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(key);
        } catch (IllegalArgumentException e) {
            throw new InvalidKeyException("key must be base64url-encoded on the internal API");
        }
        if (bytes.length == 0 || bytes.length > Limits.KEY_BYTES_MAX) {
            throw new InvalidKeyException("key must be 1.." + Limits.KEY_BYTES_MAX + " bytes");
        }
        return bytes;
    }

    private static Timer timer(MeterRegistry registry, String op) {
        return Timer.builder("kv.node.operations").tag("op", op)
                .description("replica operations served by this node").register(registry);
    }

    private static <T> T timed(Timer timer, Supplier<T> action) {
        return timer.record(action);
    }
}
