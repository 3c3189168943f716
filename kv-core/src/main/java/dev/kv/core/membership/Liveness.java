package dev.kv.core.membership;

/** How one observer judges another node, from phi and announced status. */
public enum Liveness {
    ALIVE, SUSPECT, DOWN;

    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** @throws IllegalArgumentException if {@code name} is no liveness's {@link #wireName} */
    public static Liveness ofWireName(String name) {
        return valueOf(name.toUpperCase(java.util.Locale.ROOT));
    }
}
