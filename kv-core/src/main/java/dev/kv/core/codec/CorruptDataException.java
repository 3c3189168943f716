package dev.kv.core.codec;

/** Bytes that do not decode to a valid record or context: truncated, oversized or inconsistent. */
public final class CorruptDataException extends IllegalArgumentException {

    public CorruptDataException(String message) {
        super(message);
    }

    public CorruptDataException(String message, Throwable cause) {
        super(message, cause);
    }
}
