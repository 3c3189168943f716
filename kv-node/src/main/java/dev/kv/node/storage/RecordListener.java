package dev.kv.node.storage;

import dev.kv.core.record.Record;

/**
 * Told of every change to a stored record; {@link Record#EMPTY} stands for absent (before a first write, after a
 * purge).
 */
@FunctionalInterface
public interface RecordListener {

    void changed(byte[] key, Record before, Record after);
}
