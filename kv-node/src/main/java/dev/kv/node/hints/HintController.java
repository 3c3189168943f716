package dev.kv.node.hints;

import dev.kv.core.codec.RecordCodec;
import dev.kv.core.contract.InternalPaths;
import dev.kv.core.key.KeyCodec;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.util.Map;

/**
 * Hints held for other nodes.
 *
 * <pre>
 * PUT /internal/v1/hints?target=T&key=K   record → 204 | 507 when the hint storage limit is reached
 * GET /internal/v1/hints                  → pending hints by target and bytes held
 * </pre>
 */
@RestController
class HintController {

    private final HintStore hints;
    private final HintProperties properties;

    HintController(HintStore hints, HintProperties properties) {
        this.hints = hints;
        this.properties = properties;
    }

    @PutMapping(value = InternalPaths.HINTS, consumes = MediaType.APPLICATION_OCTET_STREAM_VALUE)
    ResponseEntity<?> store(@RequestParam("target") String target, @RequestParam("key") String key,
                            @RequestBody byte[] record) {
        if (!properties.enabled()) {
            return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).body(ProblemDetail.forStatusAndDetail(
                    HttpStatus.SERVICE_UNAVAILABLE, "hinted handoff is disabled on this node"));
        }
        byte[] keyBytes = KeyCodec.decode(key);
        RecordCodec.decode(record);
        if (!hints.store(target, keyBytes, record)) {
            return ResponseEntity.status(HttpStatus.INSUFFICIENT_STORAGE).body(ProblemDetail.forStatusAndDetail(
                    HttpStatus.INSUFFICIENT_STORAGE, "hint storage limit reached"));
        }
        return ResponseEntity.noContent().build();
    }

    @GetMapping(InternalPaths.HINTS)
    Map<String, Object> pending() {
        return Map.of("pendingByTarget", hints.pendingByTarget(), "bytes", hints.totalBytes());
    }
}
