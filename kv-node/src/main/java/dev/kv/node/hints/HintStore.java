package dev.kv.node.hints;

import dev.kv.core.hints.HintKey;
import dev.kv.core.hints.HintPolicy;
import dev.kv.node.expiry.ExpiryProperties;
import dev.kv.node.faults.Failpoint;
import dev.kv.node.faults.Failpoints;
import dev.kv.node.storage.RocksStorage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiPredicate;

/**
 * Hints this node holds for others, durably in RocksDB's {@code hints} column family, with counts and bytes per
 * target kept in memory (rebuilt by a scan at start) for the limit and the metrics.
 */
@Component
public class HintStore {

    /** One stored hint. */
    public record Hint(HintKey key, byte[] record) {
    }

    /** Hint bookkeeping of one target. */
    record Pending(AtomicLong count, AtomicLong bytes) {
    }

    private final RocksStorage storage;
    private final HintPolicy policy;
    private final InstantSource clock;
    private final MeterRegistry registry;
    private final AtomicLong sequence;
    private final AtomicLong totalBytes = new AtomicLong();
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final Failpoints failpoints;

    /**
     * A hint is kept for the hint window or the tombstone grace, whichever is shorter (Cassandra's hint TTL is the
     * table's gc_grace_seconds for the same reason): a hint older than the grace may carry a value whose tombstone
     * every replica has purged, and delivering it would bring the deleted value back.
     */
    public HintStore(RocksStorage storage, HintProperties properties, ExpiryProperties expiry, InstantSource clock,
                     MeterRegistry registry, Failpoints failpoints) {
        this.storage = storage;
        this.failpoints = failpoints;
        Duration window = properties.window().compareTo(expiry.tombstoneGrace()) <= 0 ? properties.window()
                : expiry.tombstoneGrace();
        this.policy = new HintPolicy(window, properties.maxStorage().toBytes());
        this.clock = clock;
        this.registry = registry;
        this.sequence = new AtomicLong(clock.millis() << 16);
        storage.forEachHint(new byte[0], (key, value) -> {
            account(HintKey.decode(key).target(), key.length + value.length);
            return true;
        });
        Gauge.builder("kv.hints.stored.bytes", totalBytes, AtomicLong::get).baseUnit("bytes")
                .description("bytes of hints held for other nodes").register(registry);
    }

    /** Stores a hint; false when the storage limit refuses it. */
    public boolean store(String target, byte[] key, byte[] record) {
        HintKey hintKey = new HintKey(target, clock.millis(), sequence.incrementAndGet(), key);
        byte[] encodedKey = hintKey.encode();
        long size = encodedKey.length + record.length;
        if (!policy.admits(totalBytes.get(), size)) {
            counter("kv.hints.dropped", target, "reason", "limit").increment();
            return false;
        }
        failpoints.fire(Failpoint.HINT_STORE_BEFORE);
        storage.putHint(encodedKey, record);
        account(target, size);
        failpoints.fire(Failpoint.HINT_STORE_AFTER);
        counter("kv.hints.stored", target, null, null).increment();
        return true;
    }

    /** Up to {@code limit} hints for the target, oldest first. */
    public List<Hint> oldest(String target, int limit) {
        List<Hint> result = new ArrayList<>();
        BiPredicate<byte[], byte[]> collect = (key, value) -> {
            result.add(new Hint(HintKey.decode(key), value));
            return result.size() < limit;
        };
        storage.forEachHint(HintKey.prefix(target), collect);
        return result;
    }

    public void delivered(Hint hint) {
        remove(hint);
        counter("kv.hints.delivered", hint.key().target(), null, null).increment();
    }

    public void expired(Hint hint) {
        remove(hint);
        counter("kv.hints.dropped", hint.key().target(), "reason", "expired").increment();
    }

    /** The window and the storage limit the hints are kept by. */
    public HintPolicy policy() {
        return policy;
    }

    /** Pending hint counts by target. */
    public Map<String, Long> pendingByTarget() {
        Map<String, Long> result = new TreeMap<>();
        pending.forEach((target, p) -> result.put(target, p.count().get()));
        return result;
    }

    public long totalBytes() {
        return totalBytes.get();
    }

    private void remove(Hint hint) {
        byte[] key = hint.key().encode();
        storage.deleteHint(key);
        Pending p = pending.get(hint.key().target());
        if (p != null) {
            p.count().decrementAndGet();
            p.bytes().addAndGet(-(key.length + hint.record().length));
        }
        totalBytes.addAndGet(-(key.length + hint.record().length));
    }

    private void account(String target, long size) {
        Pending p = pending.computeIfAbsent(target, t -> {
            Pending created = new Pending(new AtomicLong(), new AtomicLong());
            Gauge.builder("kv.hints.pending", created.count(), AtomicLong::get).tag("target", t)
                    .description("hints waiting for delivery to a node").register(registry);
            return created;
        });
        p.count().incrementAndGet();
        p.bytes().addAndGet(size);
        totalBytes.addAndGet(size);
    }

    private Counter counter(String name, String target, String tag, String value) {
        Counter.Builder builder = Counter.builder(name).tag("target", target);
        if (tag != null) {
            builder.tag(tag, value);
        }
        return builder.register(registry);
    }
}
