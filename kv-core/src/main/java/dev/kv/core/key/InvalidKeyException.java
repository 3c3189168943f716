package dev.kv.core.key;

/** A key that breaks the rules of {@link Keys}; the message says which rule. */
public final class InvalidKeyException extends IllegalArgumentException {

    public InvalidKeyException(String message) {
        super(message);
    }
}
