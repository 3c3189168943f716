package dev.kv.core.coordination;

import dev.kv.core.record.Record;
import dev.kv.core.write.WriteAttempts;

/**
 * What a coordination state machine asks its driver to do. A call carries an id unique within its request; the driver
 * feeds the call's answer or failure back under that id. The driver bounds every call by the replica timeout, so each
 * call is answered exactly once.
 */
public sealed interface Action {

    /** A call to one replica. */
    sealed interface Call extends Action {
        long id();

        String node();
    }

    /** Coordinate the client write on {@code node}: it mints the version and answers the record it stored. */
    record Coordinate(long id, String node, WriteAttempts.Attempt attempt, String topology) implements Call {
    }

    /** Merge {@code record} into {@code node}'s copy; {@code purpose} says why (for metrics). */
    record Store(long id, String node, Record record, String topology, Purpose purpose) implements Call {
    }

    /** Ask {@code node} (the holder) to keep {@code record} for {@code target} until it can be delivered. */
    record StoreHint(long id, String node, String target, Record record) implements Call {
    }

    /** Read {@code node}'s record for the key. */
    record Read(long id, String node, String topology) implements Call {
    }

    /** Feed {@code tick} at or after {@code atMillis}. */
    record WakeAt(long atMillis) implements Action {
    }

    /** The request was planned again by a newer topology (for metrics). */
    record Replanned() implements Action {
    }

    /** Why a record is sent to a replica. */
    enum Purpose {
        /** A write's copy to a home replica. */
        COPY,
        /** Read repair the read waits for. */
        REPAIR_BLOCKING,
        /** Read repair of an answer that came after the read was decided. */
        REPAIR_BACKGROUND
    }
}
