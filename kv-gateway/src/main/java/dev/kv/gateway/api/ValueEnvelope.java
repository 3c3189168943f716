package dev.kv.gateway.api;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.List;

/**
 * The JSON form of a read ({@code Accept: application/json}, and always for {@code 300 Multiple Choices}).
 *
 * @param key         the key read
 * @param context     the causal context to send back in {@code X-KV-Context} with the next write
 * @param etag        the version's entity tag
 * @param value       the value, base64, when there is exactly one version; absent with siblings
 * @param contentType the value's content type, when there is exactly one version
 * @param expiresAt   when the value expires, if it has a TTL
 * @param siblings    every concurrent version (one when there is no conflict)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ValueEnvelope(String key, String context, String etag, String value, String contentType,
                            Instant expiresAt, List<SiblingView> siblings) {

    /**
     * One version.
     *
     * @param value       base64 of the bytes
     * @param contentType as written
     * @param etag        this version's entity tag
     * @param expiresAt   expiry, if any
     * @param writtenAt   the coordinator's hybrid-logical time of the write
     * @param writtenBy   the coordinator that took the write (node id and generation)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record SiblingView(String value, String contentType, String etag, Instant expiresAt, Instant writtenAt,
                              String writtenBy) {
    }
}
