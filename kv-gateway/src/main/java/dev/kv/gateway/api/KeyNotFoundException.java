package dev.kv.gateway.api;

/** The key is absent, deleted or expired; {@code context} is the tombstone's context when there is one. */
class KeyNotFoundException extends RuntimeException {

    private final String context;

    KeyNotFoundException(String key, String context) {
        super("key '" + key + "' not found (absent, deleted or expired)");
        this.context = context;
    }

    String context() {
        return context;
    }
}
