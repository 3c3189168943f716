package dev.kv.core.quorum;

import java.util.Locale;

/**
 * How many replicas a request waits for: {@code r} answers for a read, {@code w} acknowledgements for a write, and
 * whether hinted stand-ins for down replicas count ({@code sloppy}). {@code label} names the preset for metrics, or
 * is {@code custom} when the client chose r or w.
 */
public record QuorumSpec(int r, int w, boolean sloppy, String label) {

    public static final String STRONG = "strong";
    public static final String EVENTUAL = "eventual";
    public static final String FAST_WRITE = "fast-write";
    public static final String FAST_READ = "fast-read";
    public static final String CUSTOM = "custom";

    /** Whether every read that starts after an acknowledged write sees it (W + R > N, strict). */
    public boolean isStrongFor(int n) {
        return !sloppy && r + w > n;
    }

    /**
     * Resolves the request parameters against replication factor {@code n}. A preset sets r, w and sloppy; explicit
     * {@code r}, {@code w} or {@code sloppy} override it. Absent parameters are {@code null}.
     */
    public static QuorumSpec resolve(String consistency, String r, String w, String sloppy, int n,
                                     String defaultPreset) {
        String presetName = consistency == null || consistency.isBlank() ? defaultPreset : consistency;
        QuorumSpec spec = preset(presetName.trim().toLowerCase(Locale.ROOT), n);
        boolean custom = false;
        int reads = spec.r;
        int writes = spec.w;
        boolean isSloppy = spec.sloppy;
        if (r != null) {
            reads = replicaCount("r", r, n);
            custom = true;
        }
        if (w != null) {
            writes = replicaCount("w", w, n);
            custom = true;
        }
        if (sloppy != null) {
            isSloppy = switch (sloppy.trim().toLowerCase(Locale.ROOT)) {
                case "true" -> true;
                case "false" -> false;
                default -> throw new InvalidParameterException("sloppy", "sloppy must be true or false, was '"
                        + sloppy + "'");
            };
        }
        return new QuorumSpec(reads, writes, isSloppy, custom ? CUSTOM : spec.label);
    }

    public static QuorumSpec preset(String name, int n) {
        int majority = n / 2 + 1;
        return switch (name) {
            case STRONG -> new QuorumSpec(majority, majority, false, STRONG);
            case EVENTUAL -> new QuorumSpec(1, 1, true, EVENTUAL);
            case FAST_WRITE -> new QuorumSpec(n, 1, true, FAST_WRITE);
            case FAST_READ -> new QuorumSpec(1, n, false, FAST_READ);
            default -> throw new InvalidParameterException("consistency", "unknown consistency '" + name
                    + "'; expected strong, eventual, fast-write or fast-read");
        };
    }

    private static int replicaCount(String parameter, String text, int n) {
        String value = text.trim().toLowerCase(Locale.ROOT);
        int count = switch (value) {
            case "one" -> 1;
            case "quorum" -> n / 2 + 1;
            case "all" -> n;
            default -> {
                try {
                    yield Integer.parseInt(value);
                } catch (NumberFormatException e) {
                    throw new InvalidParameterException(parameter, parameter + " must be a number from 1 to " + n
                            + " or one, quorum or all; was '" + text + "'");
                }
            }
        };
        if (count < 1 || count > n) {
            throw new InvalidParameterException(parameter, parameter + " must be between 1 and the replication factor "
                    + n + "; was " + count);
        }
        return count;
    }
}
