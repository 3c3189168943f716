package dev.kv.gateway.api;

/** The request body is larger than the configured value limit. */
class ValueTooLargeException extends RuntimeException {

    ValueTooLargeException(long limit) {
        super("the value exceeds the limit of " + limit + " bytes");
    }
}
