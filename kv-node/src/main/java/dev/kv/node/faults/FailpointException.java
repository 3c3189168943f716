package dev.kv.node.faults;

import dev.kv.node.storage.StorageException;

/**
 * The failure an {@code error} failpoint injects. A {@link StorageException}, so every caller treats it exactly as a
 * RocksDB failure: a replica call answers 503, a background task (hint delivery, anti-entropy, streaming, the sweep)
 * gives up the step and retries later.
 */
public class FailpointException extends StorageException {

    public FailpointException(Failpoint point) {
        super("failpoint " + point + ": injected I/O error", null);
    }
}
