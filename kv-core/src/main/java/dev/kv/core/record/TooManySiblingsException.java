package dev.kv.core.record;

/** A write would leave more concurrent versions than {@link dev.kv.core.Limits#SIBLINGS_MAX}. */
public final class TooManySiblingsException extends RuntimeException {

    private final int siblings;

    public TooManySiblingsException(int siblings, int limit) {
        super("the key has " + siblings + " concurrent versions, more than the limit of " + limit
                + "; read it and write the resolved value with the context from the read");
        this.siblings = siblings;
    }

    public int siblings() {
        return siblings;
    }
}
