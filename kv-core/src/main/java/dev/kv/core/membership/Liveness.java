package dev.kv.core.membership;

/** How one observer judges another node, from phi and announced status. */
public enum Liveness {
    ALIVE, SUSPECT, DOWN;

    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
