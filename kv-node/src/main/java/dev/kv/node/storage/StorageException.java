package dev.kv.node.storage;

/** RocksDB failed; the node reports it as unavailable rather than guessing. */
public class StorageException extends RuntimeException {

    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
