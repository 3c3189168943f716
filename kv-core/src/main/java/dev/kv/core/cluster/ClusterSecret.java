package dev.kv.core.cluster;

import dev.kv.core.contract.Headers;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * The shared cluster secret: the one credential of the internal API ({@code /internal/**}) and of the operator
 * endpoints ({@code /admin/**}). Callers send it in {@link Headers#CLUSTER_SECRET}; services compare it in constant
 * time, so the time an answer takes says nothing about how much of a guess was right.
 *
 * <p>It is a list so that it can be rotated without downtime: every listed value is accepted, the first is the one
 * sent. Rotating from {@code old} to {@code new} takes three contents of the secret, each in place on every member
 * before the next: {@code old,new} (accept both, still send the old), {@code new,old} (send the new), {@code new}
 * (retire the old). At every moment, what any member sends is accepted by every other.
 */
public final class ClusterSecret {

    private static final ClusterSecret NONE = new ClusterSecret(List.of());

    private final List<byte[]> accepted;
    private final String current;

    private ClusterSecret(List<String> values) {
        this.accepted = values.stream().map(v -> v.getBytes(StandardCharsets.UTF_8)).toList();
        this.current = values.isEmpty() ? "" : values.getFirst();
    }

    /**
     * The secret written in {@code configured}: values separated by line breaks or commas, surrounding blanks ignored,
     * the first one sent; an empty or absent text means no secret (loopback development).
     *
     * @throws IllegalArgumentException if a value is not printable ASCII (it travels in an HTTP header)
     */
    public static ClusterSecret of(String configured) {
        if (configured == null) {
            return NONE;
        }
        List<String> values = new ArrayList<>();
        for (String value : configured.split("[,\\r\\n]")) {
            String trimmed = value.strip();
            if (!trimmed.isEmpty()) {
                if (trimmed.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
                    throw new IllegalArgumentException("a cluster secret value must be printable ASCII without"
                            + " spaces (value " + (values.size() + 1) + " is not)");
                }
                values.add(trimmed);
            }
        }
        return values.isEmpty() ? NONE : new ClusterSecret(List.copyOf(values));
    }

    public boolean isConfigured() {
        return !accepted.isEmpty();
    }

    /** The value this member sends; empty when no secret is configured. */
    public String current() {
        return current;
    }

    /** How many values are accepted. */
    public int size() {
        return accepted.size();
    }

    /**
     * Whether {@code presented} is one of the accepted values; false for a missing value and whenever no secret is
     * configured. Every value is compared, so the time taken does not say which one matched.
     */
    public boolean matches(String presented) {
        if (presented == null) {
            return false;
        }
        byte[] bytes = presented.getBytes(StandardCharsets.UTF_8);
        boolean matched = false;
        for (byte[] value : accepted) {
            matched |= MessageDigest.isEqual(value, bytes);
        }
        return matched;
    }

    /** Whether both accept exactly the same values in the same order (no value is revealed). */
    public boolean sameAs(ClusterSecret other) {
        if (other.accepted.size() != accepted.size()) {
            return false;
        }
        for (int i = 0; i < accepted.size(); i++) {
            if (!MessageDigest.isEqual(accepted.get(i), other.accepted.get(i))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return isConfigured() ? "ClusterSecret[" + accepted.size() + " accepted]" : "ClusterSecret[none]";
    }
}
