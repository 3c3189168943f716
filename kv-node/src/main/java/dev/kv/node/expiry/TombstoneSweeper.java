package dev.kv.node.expiry;

import dev.kv.core.codec.RecordCodec;
import dev.kv.core.record.Record;
import dev.kv.core.replica.ReplicaRecords;
import dev.kv.node.faults.Failpoint;
import dev.kv.node.faults.Failpoints;
import dev.kv.node.storage.RecordStore;
import dev.kv.node.storage.RocksStorage;
import dev.kv.node.storage.StorageKeys;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Removes records that are entirely deleted or expired once the grace period has passed since they died and every
 * other replica of their range has completed an exchange with this node since (kv-core's {@code PurgeClearance}, asked
 * through {@link PurgeGate}). Until then they stay as tombstones, which is what stops read repair, hints and
 * anti-entropy from bringing an older version back.
 * Walks the store in key order one slice per interval (a cursor remembers where it stopped), so the cost is spread
 * evenly instead of a full scan every so often stalling requests; purges under the record lock after re-checking, so
 * it never races a write.
 */
@Component
public class TombstoneSweeper {

    private static final Logger log = LoggerFactory.getLogger(TombstoneSweeper.class);

    private final RocksStorage storage;
    private final RecordStore records;
    private final ExpiryProperties properties;
    private final InstantSource clock;
    private final Counter purged;
    private final AtomicLong lastPassScanned = new AtomicLong();
    private final Failpoints failpoints;
    private final PurgeGate gate;
    private byte[] cursor;
    private long passScanned;
    private long passPurged;

    public TombstoneSweeper(RocksStorage storage, RecordStore records, ExpiryProperties properties,
                            InstantSource clock, MeterRegistry registry, Failpoints failpoints, PurgeGate gate) {
        this.storage = storage;
        this.gate = gate;
        this.failpoints = failpoints;
        this.records = records;
        this.properties = properties;
        this.clock = clock;
        this.purged = Counter.builder("kv.expiry.purged").description("dead records purged after the grace period")
                .register(registry);
        registry.gauge("kv.expiry.last.scanned", lastPassScanned);
        Gauge.builder("kv.expiry.waiting", gate, PurgeGate::waiting)
                .description("dead records past their grace waiting for an exchange with every replica")
                .register(registry);
    }

    @Scheduled(initialDelayString = "${kv.expiry.sweep-interval:1s}",
            fixedDelayString = "${kv.expiry.sweep-interval:1s}")
    void sweep() {
        sweepSlice();
    }

    /** Scans the next slice; answers whether that completed a pass over the whole store. */
    public synchronized boolean sweepSlice() {
        long now = clock.millis();
        long purgeBefore = now - properties.tombstoneGrace().toMillis();
        List<byte[]> candidates = new ArrayList<>();
        byte[][] last = {null};
        int[] scanned = {0};
        storage.forEachInRange(cursor == null ? new byte[0] : cursor, null, (key, value) -> {
            if (scanned[0] == properties.sweepBatch()) {
                last[0] = key; // the first key of the next slice
                return false;
            }
            scanned[0]++;
            Record record = RecordCodec.decode(value);
            if (ReplicaRecords.isPurgeable(record, now, purgeBefore)) {
                candidates.add(StorageKeys.userKey(key));
            }
            return true;
        });
        for (byte[] key : candidates) {
            if (!gate.mayPurge(key)) {
                continue;
            }
            failpoints.fire(Failpoint.TOMBSTONE_PURGE_BEFORE);
            if (records.purgeIfDead(key, purgeBefore)) {
                passPurged++;
                purged.increment();
            }
            failpoints.fire(Failpoint.TOMBSTONE_PURGE_AFTER);
        }
        passScanned += scanned[0];
        cursor = last[0];
        if (cursor != null) {
            return false;
        }
        gate.passFinished();
        lastPassScanned.set(passScanned);
        if (passPurged > 0) {
            log.info("expiry sweep pass: scanned {} records, purged {}", passScanned, passPurged);
        }
        passScanned = 0;
        passPurged = 0;
        return true;
    }
}
