package dev.kv.node.replica;

import dev.kv.core.Limits;
import dev.kv.core.codec.RecordCodec;
import dev.kv.core.codec.ReplicaBatchCodec;
import dev.kv.core.contract.Headers;
import dev.kv.core.key.KeyCodec;
import dev.kv.core.quorum.InvalidParameterException;
import dev.kv.core.record.Mutation;
import dev.kv.core.record.Record;
import dev.kv.core.record.Sibling;
import dev.kv.core.version.VersionVector;
import dev.kv.core.version.WriteIds;
import dev.kv.node.faults.Failpoint;
import dev.kv.node.faults.Failpoints;
import dev.kv.node.storage.RecordStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.springframework.stereotype.Component;

import java.time.InstantSource;
import java.util.function.Supplier;

/**
 * The replica data calls (read, merge, coordinate) with their validation and timing, whichever way they arrive: one
 * per request through {@link ReplicaController}, or many in one exchange through {@link ReplicaBatchValve}. Invalid
 * input throws the exceptions {@link NodeErrorHandler} and {@link ReplicaBatchHandler} answer as 4xx problems.
 */
@Component
class ReplicaCalls {

    private final RecordStore store;
    private final InstantSource clock;
    private final Timer readTimer;
    private final Timer mergeTimer;
    private final Timer coordinateTimer;
    private final Failpoints failpoints;

    ReplicaCalls(RecordStore store, InstantSource clock, MeterRegistry registry, Failpoints failpoints) {
        this.store = store;
        this.clock = clock;
        this.failpoints = failpoints;
        this.readTimer = timer(registry, "read");
        this.mergeTimer = timer(registry, "merge");
        this.coordinateTimer = timer(registry, "coordinate");
    }

    /** The stored record in its binary form, or {@code null} when the replica has none. */
    byte[] read(byte[] key) {
        KeyCodec.check(key);
        return timed(readTimer, () -> store.readEncoded(key));
    }

    /** Merges a replica's record (replication, repair) into the local one. */
    void merge(byte[] key, byte[] encodedRecord) {
        KeyCodec.check(key);
        Record incoming = RecordCodec.decode(encodedRecord);
        failpoints.fire(Failpoint.REPLICA_MERGE_BEFORE);
        timed(mergeTimer, () -> store.merge(key, incoming));
        failpoints.fire(Failpoint.REPLICA_MERGE_AFTER);
    }

    /** Coordinates one attempt of a client write; answers the record stored, encoded for replication. */
    byte[] coordinate(ReplicaBatchCodec.Coordinate write) {
        byte[] key = write.key();
        KeyCodec.check(key);
        VersionVector causalContext = write.context() == null || write.context().isBlank() ? null
                : RecordCodec.parseContextToken(write.context());
        Mutation mutation = write.delete() ? Mutation.delete(causalContext)
                : Mutation.put(write.value() == null ? new byte[0] : write.value(), write.contentType(),
                expiry(write.ttlSeconds()), causalContext);
        if (mutation.value().length > Limits.VALUE_BYTES_HARD_MAX) {
            throw new InvalidParameterException("value", "value exceeds " + Limits.VALUE_BYTES_HARD_MAX + " bytes");
        }
        if (write.reattempt() && write.writeId() == WriteIds.NONE) {
            throw new InvalidParameterException(Headers.REATTEMPT, "a re-attempt needs " + Headers.WRITE_ID);
        }
        Mutation attempt = mutation.asWrite(write.writeId(), write.reattempt());
        failpoints.fire(Failpoint.COORDINATE_BEFORE);
        Record written = timed(coordinateTimer, () -> store.coordinate(key, attempt, write.deadlineMillis()));
        failpoints.fire(Failpoint.COORDINATE_AFTER);
        return RecordCodec.encode(written);
    }

    private long expiry(Long ttlSeconds) {
        if (ttlSeconds == null) {
            return Sibling.NO_EXPIRY;
        }
        if (ttlSeconds < 1 || ttlSeconds > Limits.TTL_SECONDS_MAX) {
            throw new InvalidParameterException("ttl", "ttl must be 1.." + Limits.TTL_SECONDS_MAX + " seconds");
        }
        return clock.millis() + ttlSeconds * 1000;
    }

    private static Timer timer(MeterRegistry registry, String op) {
        return Timer.builder("kv.node.operations").tag("op", op)
                .description("replica operations served by this node").register(registry);
    }

    private static <T> T timed(Timer timer, Supplier<T> action) {
        return timer.record(action);
    }
}
