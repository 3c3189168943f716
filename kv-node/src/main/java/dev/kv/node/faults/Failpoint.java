package dev.kv.node.faults;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The named places where a test may make the node crash, fail or stall (etcd's gofail, for a JVM): one before and one
 * after each durable step, so a test can put a {@code kill -9} or an I/O error exactly between two of them. Each
 * fires only when its step actually runs, never on an idle round. Armed through {@link FaultProperties}.
 */
public enum Failpoint {

    /** {@code ReplicaCalls.merge}, before a replica's record (a write copy, read repair, a hint) is merged. */
    REPLICA_MERGE_BEFORE("replica-merge.before"),
    /** {@code ReplicaCalls.merge}, after the merge is stored and before the caller is answered. */
    REPLICA_MERGE_AFTER("replica-merge.after"),
    /** {@code ReplicaCalls.coordinate}, before the coordinator mints a version and stores the write. */
    COORDINATE_BEFORE("coordinate.before"),
    /** {@code ReplicaCalls.coordinate}, after the minted version is stored and before the gateway is answered. */
    COORDINATE_AFTER("coordinate.after"),
    /** {@code HintStore.store}, once the hint is admitted and before it is written. */
    HINT_STORE_BEFORE("hint-store.before"),
    /** {@code HintStore.store}, after the hint is written and counted, before the gateway is answered. */
    HINT_STORE_AFTER("hint-store.after"),
    /** {@code HintDelivery.deliverBatch}, before one hint is sent to its target. */
    HINT_DELIVER_BEFORE("hint-deliver.before"),
    /**
     * {@code HintDelivery.deliverBatch}, after the target acknowledged one hint and before the hint is deleted: the
     * window in which a crash makes the hint be delivered twice, which must do no harm.
     */
    HINT_DELIVER_AFTER("hint-deliver.after"),
    /** {@code Exchanger.pullAndMerge}, after a batch of records was pulled from the peer, before it is merged here. */
    MERKLE_PULL_BEFORE("merkle-pull.before"),
    /** {@code Exchanger.pullAndMerge}, after the pulled batch is merged here, before the push of the same keys. */
    MERKLE_PULL_AFTER("merkle-pull.after"),
    /** {@code Exchanger.push}, before a batch of this node's records is pushed to the peer. */
    MERKLE_PUSH_BEFORE("merkle-push.before"),
    /** {@code Exchanger.push}, after the peer acknowledged the pushed batch. */
    MERKLE_PUSH_AFTER("merkle-push.after"),
    /** {@code RangeStreamer.streamGroup}, after a chunk of records arrived, before it is merged here. */
    STREAM_CHUNK_BEFORE("stream-chunk.before"),
    /**
     * {@code RangeStreamer.streamGroup}, after the chunk is merged and the checkpoint of the ranges it finished is
     * saved: a crash here exercises the resumption of a restarted joiner from its checkpoint.
     */
    STREAM_CHUNK_AFTER("stream-chunk.after"),
    /** {@code TombstoneSweeper.sweepSlice}, before one dead record past its grace is purged. */
    TOMBSTONE_PURGE_BEFORE("tombstone-purge.before"),
    /** {@code TombstoneSweeper.sweepSlice}, after one purge (or its re-check under the lock found the key alive). */
    TOMBSTONE_PURGE_AFTER("tombstone-purge.after");

    private final String spelling;

    Failpoint(String spelling) {
        this.spelling = spelling;
    }

    /**
     * The failpoint spelled {@code name}.
     *
     * @throws IllegalArgumentException naming every known failpoint, if none is spelled so
     */
    public static Failpoint named(String name) {
        for (Failpoint point : values()) {
            if (point.spelling.equals(name)) {
                return point;
            }
        }
        throw new IllegalArgumentException("unknown failpoint '" + name + "' (known: " + known() + ")");
    }

    /** Every failpoint's name, comma-separated, for error messages. */
    static String known() {
        return Arrays.stream(values()).map(Failpoint::toString).collect(Collectors.joining(", "));
    }

    /** As the configuration spells it, e.g. {@code replica-merge.before}. */
    @Override
    public String toString() {
        return spelling;
    }
}
