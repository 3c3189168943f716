package dev.kv.node.antientropy;

import dev.kv.core.membership.Liveness;
import dev.kv.core.membership.Membership;
import dev.kv.core.merkle.AntiEntropySchedule;
import dev.kv.core.replica.PurgeClearance;
import dev.kv.node.config.NodeProperties;
import dev.kv.node.expiry.ExpiryProperties;
import dev.kv.node.gossip.GossipService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import java.util.random.RandomGenerator;

/**
 * Runs exchanges: in the background one (range, peer) pair at a time as kv-core's {@link AntiEntropySchedule} paces
 * them (round-robin over the live pairs, so every pair comes up once per cycle, with jitter); on demand (a repair)
 * every pair of every range, or of one, at once. Keeps the last result of each pair and the progress of the running
 * repair.
 */
@Component
public class AntiEntropyService {

    private static final Logger log = LoggerFactory.getLogger(AntiEntropyService.class);

    /** A (range, peer) pair to exchange. */
    record Pair(String range, String peer) {
    }

    /**
     * A repair started on demand.
     *
     * @param id        increasing number
     * @param range     the range asked for, or {@code all}
     * @param total     pairs to exchange
     * @param done      pairs exchanged so far
     * @param startedAt epoch millis
     * @param finished  whether every pair is done
     */
    public record RepairProgress(long id, String range, int total, int done, long startedAt, boolean finished) {
    }

    private final MerkleTrees trees;
    private final Exchanger exchanger;
    private final GossipService gossip;
    private final AntiEntropyProperties properties;
    private final PurgeClearance clearance;
    private final InstantSource clock;
    private final String self;
    private final Map<Pair, ExchangeResult> results = new ConcurrentHashMap<>();
    private final AtomicReference<RepairProgress> repair = new AtomicReference<>();
    private final ExecutorService repairs = Executors.newSingleThreadExecutor(Thread.ofVirtual().name("repair")
            .factory());
    /** Driven only by {@link #background()}, on the scheduler's thread. */
    private final AntiEntropySchedule<Pair> schedule;

    AntiEntropyService(MerkleTrees trees, Exchanger exchanger, GossipService gossip, AntiEntropyProperties properties,
                       ExpiryProperties expiry, NodeProperties node, InstantSource clock, RandomGenerator random,
                       PurgeClearance clearance) {
        if (expiry.tombstoneGrace().compareTo(properties.cycle()) <= 0) {
            throw new IllegalStateException("kv.expiry.tombstone-grace (" + expiry.tombstoneGrace()
                    + ") must be longer than kv.antientropy.cycle (" + properties.cycle() + "): a tombstone purged"
                    + " before every replica pair was compared could let a deleted value come back");
        }
        this.clearance = clearance;
        this.trees = trees;
        this.exchanger = exchanger;
        this.gossip = gossip;
        this.properties = properties;
        this.clock = clock;
        this.self = node.id();
        this.schedule = new AntiEntropySchedule<>(
                new AntiEntropySchedule.Pacing(properties.interval(), properties.cycle()), random);
    }

    @Scheduled(fixedDelayString = "${kv.antientropy.tick:200ms}")
    void background() {
        if (gossip.membership() == null) {
            return;
        }
        // Trees are kept even with background exchanges off: peers and manual repairs compare against them.
        trees.refreshIfStale();
        if (!properties.enabled() || !schedule.isDue(clock.millis())) {
            return;
        }
        schedule.next(livePairs(null), clock.millis()).ifPresent(this::run);
    }

    /** Starts exchanging every pair of every range (or of {@code range}) now; answers the repair's progress. */
    public synchronized RepairProgress startRepair(String range) {
        RepairProgress running = repair.get();
        if (running != null && !running.finished()) {
            return running;
        }
        trees.refreshIfStale();
        List<Pair> pairs = livePairs(range);
        RepairProgress progress = new RepairProgress(running == null ? 1 : running.id() + 1,
                range == null ? "all" : range, pairs.size(), 0, clock.millis(), pairs.isEmpty());
        repair.set(progress);
        repairs.submit(() -> {
            for (Pair pair : pairs) {
                run(pair);
                repair.updateAndGet(p -> new RepairProgress(p.id(), p.range(), p.total(), p.done() + 1,
                        p.startedAt(), p.done() + 1 == p.total()));
            }
            log.info("repair {} finished: {} exchanges", progress.id(), pairs.size());
        });
        return progress;
    }

    public RepairProgress repair() {
        return repair.get();
    }

    public List<ExchangeResult> results() {
        List<ExchangeResult> all = new ArrayList<>(results.values());
        all.sort((a, b) -> a.range().equals(b.range()) ? a.peer().compareTo(b.peer()) : a.range().compareTo(b.range()));
        return all;
    }

    public List<MerkleTrees.RangeTree> ranges() {
        return trees.ranges();
    }

    private void run(Pair pair) {
        Membership membership = gossip.membership();
        String address = membership.members(clock.millis()).stream()
                .filter(m -> m.state().nodeId().equals(pair.peer())).map(m -> m.state().address())
                .findFirst().orElse(null);
        if (address == null) {
            return;
        }
        long ticket = clearance.exchangeStarted();
        ExchangeResult result = exchanger.exchange(pair.range(), pair.peer(), address);
        results.put(pair, result);
        if (result.coveredEveryLeaf()) {
            clearance.exchangeCompleted(pair.range(), pair.peer(), ticket);
        }
        if ("repaired".equals(result.outcome()) || "failed".equals(result.outcome())) {
            log.info("anti-entropy {} with {}: {} ({} keys compared, {} repaired, {} record bytes, {} bytes in all){}",
                    pair.range(), pair.peer(), result.outcome(), result.keysCompared(), result.keysRepaired(),
                    result.bytesMoved(), result.bytesExchanged(), result.error() == null ? "" : ": " + result.error());
        }
    }

    private List<Pair> livePairs(String onlyRange) {
        Membership membership = gossip.membership();
        if (membership == null) {
            return List.of();
        }
        long now = clock.millis();
        List<Pair> pairs = new ArrayList<>();
        for (MerkleTrees.RangeTree range : trees.ranges()) {
            if (onlyRange != null && !onlyRange.equals(range.range())) {
                continue;
            }
            for (String peer : range.replicas()) {
                if (!peer.equals(self) && membership.liveness(peer, now) == Liveness.ALIVE) {
                    pairs.add(new Pair(range.range(), peer));
                }
            }
        }
        return pairs;
    }
}
