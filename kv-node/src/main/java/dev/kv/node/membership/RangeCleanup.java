package dev.kv.node.membership;

import dev.kv.core.placement.TokenRange;
import dev.kv.core.placement.Topology;
import dev.kv.node.config.BackgroundThreads;
import dev.kv.node.storage.RecordStore;
import dev.kv.node.storage.RocksStorage;
import dev.kv.node.storage.StorageKeys;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Drops the records of token ranges this node no longer replicates (issue 12), so disk use returns to about N/M of
 * the data once a change is complete: runs by itself whenever a settled topology is adopted (never while a change is
 * under way) and at startup, unless {@code kv.membership.auto-cleanup=false}, and on demand. The ranges this node
 * replicates in neither placement are dropped whole (a range tombstone each: milliseconds, where a delete per key
 * took a minute per million keys), under every key's lock, and only if the topology is still the one they were
 * computed from.
 */
@Component
public class RangeCleanup {

    private static final Logger log = LoggerFactory.getLogger(RangeCleanup.class);

    /**
     * @param state   idle, running, done or abandoned (a change started meanwhile)
     * @param version the topology it cleaned for
     * @param scanned records found in the ranges this node no longer replicates
     * @param dropped records dropped (all of them, or none when abandoned)
     */
    public record Progress(String state, String version, long scanned, long dropped) {
    }

    private final TopologyService topologies;
    private final RocksStorage storage;
    private final RecordStore store;
    private final InstantSource clock;
    private final Counter droppedTotal;
    private final ExecutorService worker = BackgroundThreads.single("range-cleanup");
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean again = new AtomicBoolean();
    private volatile Progress progress = new Progress("idle", null, 0, 0);

    private final boolean automatic;

    RangeCleanup(TopologyService topologies, RocksStorage storage, RecordStore store, InstantSource clock,
                 MeterRegistry registry, MembershipProperties properties) {
        this.automatic = properties.autoCleanup();
        this.topologies = topologies;
        this.storage = storage;
        this.store = store;
        this.clock = clock;
        this.droppedTotal = Counter.builder("kv.membership.cleanup.dropped")
                .description("records dropped because this node no longer replicates their range")
                .register(registry);
        topologies.onChange(topology -> {
            if (automatic && !topology.inTransition()) {
                start();
            }
        });
    }

    @EventListener(ApplicationReadyEvent.class)
    void atStartup() {
        if (automatic) {
            start();
        }
    }

    public Progress progress() {
        return progress;
    }

    /** Starts a cleanup for the topology this node holds (again after the running one, if one is running). */
    public void start() {
        again.set(true);
        if (running.compareAndSet(false, true)) {
            worker.execute(this::runWhileAsked);
        }
    }

    private void runWhileAsked() {
        try {
            while (again.getAndSet(false)) {
                run();
            }
        } catch (RuntimeException e) {
            log.warn("cleanup failed: {}", e.toString());
        } finally {
            running.set(false);
        }
    }

    private void run() {
        Topology topology = topologies.current().orElse(null);
        if (topology == null || topology.inTransition()
                || topology.state(topologies.localId()) == null || topology.state(topologies.localId()).isGone()) {
            return;
        }
        String version = topology.version().toString();
        long started = clock.millis();
        List<byte[][]> spans = new ArrayList<>();
        for (TokenRange range : topology.rangesNotReplicatedBy(topologies.localId())) {
            spans.addAll(StorageKeys.spans(range));
        }
        progress = new Progress("running", version, 0, 0);
        // Counted first, for the progress and the metric (keys only, no lock); then dropped as whole ranges, one range
        // tombstone each, under every key's lock and only if no change started meanwhile: a write or a stream into a
        // range this node gains again must never be lost to a cleanup decided under the older topology.
        long found = 0;
        for (byte[][] span : spans) {
            found += storage.countRecords(span[0], span[1]);
        }
        long held = found;
        boolean dropped = store.withAllKeysLocked(() -> {
            Topology now = topologies.current().orElse(null);
            if (now == null || now.inTransition() || !now.version().equals(topology.version())) {
                return false;
            }
            for (byte[][] span : spans) {
                storage.deleteRecordRange(span[0], span[1]);
            }
            return true;
        });
        if (dropped) {
            droppedTotal.increment(held);
        }
        progress = new Progress(dropped ? "done" : "abandoned", version, held, dropped ? held : 0);
        if (held > 0 || !dropped) {
            log.info("cleanup for {}: {} records in {} token ranges this node no longer replicates {} in {} ms",
                    version, held, spans.size(), dropped ? "dropped" : "kept (abandoned: the topology changed)",
                    clock.millis() - started);
        }
    }
}
