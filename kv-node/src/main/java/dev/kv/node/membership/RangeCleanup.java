package dev.kv.node.membership;

import dev.kv.core.placement.Topology;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Drops the records of token ranges this node no longer replicates (issue 12), so disk use returns to about N/M of
 * the data once a change is complete: runs by itself whenever a settled topology is adopted (never while a change is
 * under way) and at startup, unless {@code kv.membership.auto-cleanup=false}, and on demand. A record is dropped only if, under its key's lock, the topology this node
 * holds then still gives it neither a current nor a target replica here.
 */
@Component
public class RangeCleanup {

    private static final Logger log = LoggerFactory.getLogger(RangeCleanup.class);

    /**
     * @param state   idle, running, done or abandoned (a change started meanwhile)
     * @param version the topology it cleaned for
     * @param scanned records looked at
     * @param dropped records dropped
     */
    public record Progress(String state, String version, long scanned, long dropped) {
    }

    private final TopologyService topologies;
    private final RocksStorage storage;
    private final RecordStore store;
    private final InstantSource clock;
    private final Counter droppedTotal;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "range-cleanup");
        thread.setDaemon(true);
        return thread;
    });
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
        String self = topologies.localId();
        String version = topology.version().toString();
        long[] scanned = {0};
        long[] dropped = {0};
        long started = clock.millis();
        progress = new Progress("running", version, 0, 0);
        boolean[] abandoned = {false};
        try (RocksStorage.Scan scan = storage.openScan()) {
            scan.forEach((storageKey, value) -> {
                scanned[0]++;
                long token = StorageKeys.token(storageKey);
                if (!topology.replicates(self, token)) {
                    boolean droppedNow = store.dropIf(StorageKeys.userKey(storageKey), () -> {
                        Topology now = topologies.current().orElse(topology);
                        return !now.inTransition() && !now.replicates(self, token);
                    });
                    if (droppedNow) {
                        dropped[0]++;
                        droppedTotal.increment();
                    }
                }
                if (scanned[0] % 10_000 == 0) {
                    progress = new Progress("running", version, scanned[0], dropped[0]);
                    if (topologies.current().map(Topology::inTransition).orElse(true)) {
                        abandoned[0] = true;
                        return false;
                    }
                }
                return true;
            });
        }
        progress = new Progress(abandoned[0] ? "abandoned" : "done", version, scanned[0], dropped[0]);
        if (dropped[0] > 0 || abandoned[0]) {
            log.info("cleanup for {}: {} of {} records dropped in {} ms{}", version, dropped[0], scanned[0],
                    clock.millis() - started, abandoned[0] ? " (abandoned: a change started)" : "");
        }
    }
}
