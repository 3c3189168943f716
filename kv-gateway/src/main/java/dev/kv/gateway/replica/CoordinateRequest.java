package dev.kv.gateway.replica;

/**
 * A client write as forwarded to a coordinator replica.
 *
 * @param value       the bytes to store (empty for a delete)
 * @param contentType the client's content type, stored with the value
 * @param ttlSeconds  time to live, or {@code null}
 * @param context     the client's {@code X-KV-Context} token, or {@code null} for a blind write
 * @param delete      whether this is a delete (a tombstone)
 */
public record CoordinateRequest(byte[] value, String contentType, Long ttlSeconds, String context, boolean delete) {
}
