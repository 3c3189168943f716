package dev.kv.gateway.api;

/** A valid option this version does not implement yet (answered 501, not silently ignored). */
class UnsupportedOptionException extends RuntimeException {

    UnsupportedOptionException(String message) {
        super(message);
    }
}
