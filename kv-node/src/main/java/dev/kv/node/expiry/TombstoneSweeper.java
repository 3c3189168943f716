package dev.kv.node.expiry;

import dev.kv.core.codec.RecordCodec;
import dev.kv.core.record.Record;
import dev.kv.node.storage.RecordStore;
import dev.kv.node.storage.RocksStorage;
import dev.kv.node.storage.StorageKeys;
import io.micrometer.core.instrument.Counter;
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
 * Removes records that are entirely deleted or expired once the grace period has passed since they died. Until
 * then they stay as tombstones, which is what stops read repair and replication from bringing an older version back.
 * Scans in key order and purges under the record lock after re-checking, so it never races a write.
 */
@Component
public class TombstoneSweeper {

    private static final Logger log = LoggerFactory.getLogger(TombstoneSweeper.class);
    private static final int PURGE_BATCH_MAX = 10_000;

    private final RocksStorage storage;
    private final RecordStore records;
    private final ExpiryProperties properties;
    private final InstantSource clock;
    private final Counter purged;
    private final AtomicLong lastScanned = new AtomicLong();

    public TombstoneSweeper(RocksStorage storage, RecordStore records, ExpiryProperties properties,
                            InstantSource clock, MeterRegistry registry) {
        this.storage = storage;
        this.records = records;
        this.properties = properties;
        this.clock = clock;
        this.purged = Counter.builder("kv.expiry.purged").description("dead records purged after the grace period")
                .register(registry);
        registry.gauge("kv.expiry.last.scanned", lastScanned);
    }

    @Scheduled(initialDelayString = "${kv.expiry.sweep-interval:1m}", fixedDelayString = "${kv.expiry.sweep-interval:1m}")
    public void sweep() {
        long now = clock.millis();
        long purgeBefore = now - properties.tombstoneGrace().toMillis();
        List<byte[]> candidates = new ArrayList<>();
        long[] scanned = {0};
        storage.forEach((key, value) -> {
            scanned[0]++;
            Record record = RecordCodec.decode(value);
            if (record.isDeadAt(now) && record.diedAtMillis() < purgeBefore) {
                candidates.add(StorageKeys.userKey(key));
            }
            return candidates.size() < PURGE_BATCH_MAX;
        });
        int count = 0;
        for (byte[] key : candidates) {
            if (records.purgeIfDead(key, purgeBefore)) {
                count++;
            }
        }
        purged.increment(count);
        lastScanned.set(scanned[0]);
        if (count > 0) {
            log.info("expiry sweep: scanned {} records, purged {}", scanned[0], count);
        }
    }
}
