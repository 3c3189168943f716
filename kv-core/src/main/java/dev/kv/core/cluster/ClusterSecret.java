package dev.kv.core.cluster;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The shared cluster secret: the one credential of the internal API ({@code /internal/**}) and of the operator
 * endpoints ({@code /admin/**}). Callers send it in {@link #HEADER}; services compare it in constant time, so the
 * time an answer takes says nothing about how much of a guess was right.
 */
public final class ClusterSecret {

    /** The request header that carries the secret, on every service. */
    public static final String HEADER = "X-KV-Cluster-Secret";

    private final byte[] secret;

    private ClusterSecret(byte[] secret) {
        this.secret = secret;
    }

    /** The configured secret; an empty or absent one means no secret (loopback development). */
    public static ClusterSecret of(String configured) {
        return new ClusterSecret(configured == null ? new byte[0] : configured.getBytes(StandardCharsets.UTF_8));
    }

    public boolean isConfigured() {
        return secret.length > 0;
    }

    /** Whether {@code presented} is the secret; false for a missing value and whenever no secret is configured. */
    public boolean matches(String presented) {
        return isConfigured() && presented != null
                && MessageDigest.isEqual(secret, presented.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return isConfigured() ? "ClusterSecret[configured]" : "ClusterSecret[none]";
    }
}
