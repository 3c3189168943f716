package dev.kv.node.streaming;

import dev.kv.core.codec.KeyDigestCodec;
import dev.kv.core.codec.RecordBatchCodec;
import dev.kv.core.contract.Headers;
import dev.kv.core.contract.InternalPaths;
import dev.kv.core.key.KeyCodec;
import dev.kv.core.membership.Liveness;
import dev.kv.core.membership.Membership;
import dev.kv.core.membership.TransitionRules;
import dev.kv.core.merkle.ByteRateLimiter;
import dev.kv.core.merkle.KeyDigest;
import dev.kv.core.merkle.RecordDigest;
import dev.kv.core.placement.RangeTransfer;
import dev.kv.core.placement.StreamingProgress;
import dev.kv.core.placement.Topology;
import dev.kv.core.placement.TopologyMessage;
import dev.kv.core.placement.TopologyVersion;
import dev.kv.node.config.BackgroundThreads;
import dev.kv.node.faults.Failpoint;
import dev.kv.node.faults.Failpoints;
import dev.kv.node.gossip.GossipProperties;
import dev.kv.node.gossip.GossipService;
import dev.kv.node.membership.TopologyService;
import dev.kv.node.peer.PeerClient;
import dev.kv.node.storage.RecordStore;
import dev.kv.node.storage.RocksStorage;
import dev.kv.web.net.SourceAddress;
import dev.kv.web.runtime.Json;
import dev.kv.web.security.LiveClusterSecret;
import dev.kv.web.tls.MemberTls;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The receiving side of a membership change (issue 12): merges every token range this node gains from the range's
 * current replicas, then reports done, which lets the change complete.
 *
 * <p>Ranges that share their sources stream as one group, in chunks: the records of a chunk from one live source, read
 * by a range scan there and merged here, then the digests of the same span from the other sources needed, pulling
 * only the records that differ. Merging N − W + 1
 * sources for a majority W sees every write acknowledged at W, even one a single source missed, for the cost of one
 * copy plus digests ({@code kv.streaming.sources=all}: every live source). Too few live sources: the group waits and
 * is retried. Finished ranges are checkpointed, so a restarted node resumes; the stream has its own connection pool
 * and a byte-rate limit ({@code kv.streaming.rate}), so client traffic keeps its connections.
 */
@Component
public class RangeStreamer {

    private static final Logger log = LoggerFactory.getLogger(RangeStreamer.class);
    private static final JsonMapper JSON = Json.mapper();
    private static final String CHECKPOINT = "streaming.checkpoint";
    private static final int PULL_BATCH = 1000;
    /** At most this much of the digests of what this node holds goes with one request for records. */
    private static final int HELD_BYTES_MAX = 256 * 1024;

    /** Ranges done for one topology, stored after each range. */
    record Checkpoint(String version, Set<Integer> done) {
    }

    private final TopologyService topologies;
    private final GossipService gossip;
    private final RecordStore store;
    private final RocksStorage storage;
    private final StreamingProperties properties;
    private final InstantSource clock;
    private final PeerClient peers;
    private final ByteRateLimiter limiter;
    private final ExecutorService worker = BackgroundThreads.single("range-streamer");
    private final AtomicBoolean running = new AtomicBoolean();
    private final Counter recordBytes;
    private final Counter digestBytes;
    private final Counter keysReceived;
    private volatile StreamingProgress progress = StreamingProgress.idle("");
    private volatile boolean stopping;
    private final long settleMillis;
    private final Failpoints failpoints;

    RangeStreamer(TopologyService topologies, GossipService gossip, RecordStore store, RocksStorage storage,
                  StreamingProperties properties, InstantSource clock, MeterRegistry registry,
                  LiveClusterSecret secret, MemberTls tls, GossipProperties gossipProperties, Failpoints failpoints,
                  SourceAddress source) {
        this.failpoints = failpoints;
        this.settleMillis = gossipProperties.interval().toMillis() * 2;
        this.topologies = topologies;
        this.gossip = gossip;
        this.store = store;
        this.storage = storage;
        this.properties = properties;
        this.clock = clock;
        this.peers = new PeerClient(secret,
                () -> topologies.current().map(t -> t.version().toString()).orElse(null), tls, source);
        this.limiter = new ByteRateLimiter(clock, Math.max(1, properties.rate().toBytes()));
        this.recordBytes = Counter.builder("kv.streaming.bytes").tag("kind", "records")
                .description("bytes this node received by range streaming").register(registry);
        this.digestBytes = Counter.builder("kv.streaming.bytes").tag("kind", "digests")
                .description("bytes this node received by range streaming").register(registry);
        this.keysReceived = Counter.builder("kv.streaming.keys")
                .description("records this node received by range streaming").register(registry);
        Gauge.builder("kv.streaming.ranges.done", () -> progress.rangesDone())
                .description("ranges of the change under way this node has merged").register(registry);
        Gauge.builder("kv.streaming.ranges.total", () -> progress.rangesTotal())
                .description("ranges this node gains in the change under way").register(registry);
        topologies.onChange(topology -> start());
    }

    public StreamingProgress progress() {
        Topology topology = topologies.current().orElse(null);
        StreamingProgress current = progress;
        if (topology != null && !current.version().equals(topology.version().toString())
                && gains(topology).isEmpty()) {
            return StreamingProgress.idle(topology.version().toString());
        }
        return current;
    }

    /** Whether this node has merged every range it gains in {@code version}. */
    public boolean doneFor(TopologyVersion version) {
        StreamingProgress current = progress();
        return current.version().equals(version.toString()) && current.isDone();
    }

    /** Starts streaming for the topology this node holds, unless a run is already going. */
    public void start() {
        if (!stopping && running.compareAndSet(false, true)) {
            worker.execute(() -> {
                try {
                    run();
                } catch (RuntimeException e) {
                    log.warn("streaming: stopped by {}", e.toString());
                } finally {
                    running.set(false);
                }
            });
        }
    }

    @PreDestroy
    void stop() {
        stopping = true;
        worker.shutdownNow();
    }

    private void run() {
        Topology topology = topologies.current().orElse(null);
        if (topology == null) {
            return;
        }
        String version = topology.version().toString();
        List<RangeTransfer> transfers = gains(topology);
        if (transfers.isEmpty()) {
            progress = StreamingProgress.idle(version);
            return;
        }
        // Let a competing change proposed in the same instant reach every member first: the sources then fence this
        // one, and no range is read for a change that loses.
        pause(settleMillis);
        if (!topologies.current().map(t -> t.version().toString().equals(version)).orElse(false)) {
            return;
        }
        Checkpoint checkpoint = loadCheckpoint(version);
        int resumed = checkpoint.done().size();
        if (resumed > 0) {
            log.info("streaming: resuming {}: {} of {} ranges were done before this process started", version,
                    resumed, transfers.size());
        } else {
            log.info("streaming: {} ranges to take over in {}", transfers.size(), version);
        }
        long startedAt = clock.millis();
        Run run = new Run(version, checkpoint, transfers.size(), startedAt, (long) keysReceived.count(),
                recordBytes.count() + digestBytes.count(), resumed);
        // Ranges that share their sources stream as one group: a few calls per megabyte rather than per range.
        Map<List<String>, List<Integer>> groups = new LinkedHashMap<>();
        for (int i = 0; i < transfers.size(); i++) {
            if (!checkpoint.done().contains(i)) {
                groups.computeIfAbsent(transfers.get(i).sources(), k -> new ArrayList<>()).add(i);
            }
        }
        report(run, "streaming");
        for (Map.Entry<List<String>, List<Integer>> group : groups.entrySet()) {
            while (!stopping) {
                if (!topologies.current().map(t -> t.version().toString().equals(version)).orElse(false)) {
                    return; // a newer topology: its listener starts a new run
                }
                try {
                    streamGroup(topology, transfers, group.getValue(), run);
                    break;
                } catch (StaleTopologyException e) {
                    return;
                } catch (SourcesUnavailableException e) {
                    report(run, "waiting-for-sources");
                    log.info("streaming: {}; retrying in {}", e.getMessage(), properties.retryDelay());
                    pause(properties.retryDelay().toMillis());
                } catch (RuntimeException e) {
                    log.info("streaming: ranges from {} failed ({}); retrying in {}", group.getKey(), e,
                            properties.retryDelay());
                    pause(properties.retryDelay().toMillis());
                }
            }
            if (stopping) {
                return;
            }
        }
        if (checkpoint.done().size() == transfers.size()) {
            report(run, "done");
            log.info("streaming: all {} ranges of {} merged ({} keys, {} bytes in this process)", transfers.size(),
                    version, progress.keys(), progress.bytes());
        }
    }

    /** One streaming run's bookkeeping. */
    private record Run(String version, Checkpoint checkpoint, int total, long startedAt, long keysAtStart,
                       double bytesAtStart, int resumed) {
    }

    /**
     * One group of ranges with the same sources, in chunks: a chunk of records from the first live source, then the
     * digests of the same span from each other live source (pulling what differs); the ranges a chunk finished are
     * checkpointed.
     */
    private void streamGroup(Topology topology, List<RangeTransfer> transfers, List<Integer> pending, Run run) {
        List<Integer> remaining = pending.stream().filter(i -> !run.checkpoint().done().contains(i)).toList();
        if (remaining.isEmpty()) {
            return;
        }
        RangeTransfer sample = transfers.get(remaining.getFirst());
        TransitionRules.Sources sources = TransitionRules.sources(sample, topology, topologies.localId(),
                source -> gossip.liveness(source) != Liveness.DOWN && address(source).isPresent(),
                !properties.sources().equals("quorum"));
        if (sources.waitingFor() != null) {
            throw new SourcesUnavailableException(remaining.size() + " ranges wait for " + sources.waitingFor()
                    + ", the replica this change displaces from them, to be live (it may hold writes the others"
                    + " missed)");
        }
        if (!sources.enough()) {
            throw new SourcesUnavailableException(remaining.size() + " ranges need " + sources.needed()
                    + " live sources of " + sample.sources() + ", " + sources.chosen().size() + " are live");
        }
        List<String> live = sources.chosen();
        List<long[]> ranges = remaining.stream()
                .map(i -> transfers.get(i).range())
                .map(range -> new long[] {range.startExclusive(), range.endInclusive()})
                .toList();
        TopologyMessage message = TopologyMessage.of(topology);
        String first = address(live.getFirst()).orElseThrow();
        StreamCursor cursor = StreamCursor.startOf(0);
        int chunk = (int) properties.chunk().toBytes();
        while (cursor != null && !stopping) {
            // About one chunk of records from the first source, read there by a range scan and merged here, except
            // the versions this node holds already (it is a write target during the change, and a restarted joiner
            // holds what it streamed before); then the other sources' digests of the same span.
            List<KeyDigest> held = new ArrayList<>();
            StreamCursor heldUntil = RangeGroupScan.scan(storage, ranges, cursor, null, HELD_BYTES_MAX,
                    RecordBatchCodec.BATCH_RECORDS_MAX, (key, value) -> {
                        held.add(RangeGroupScan.digestOf(key, value));
                        return key.length + RangeGroupScan.DIGEST_OVERHEAD;
                    });
            String heldText = held.isEmpty() ? null
                    : Base64.getEncoder().encodeToString(KeyDigestCodec.encode(held));
            HttpResponse<byte[]> response = call(first, InternalPaths.STREAMING_RECORDS, new StreamRequest(message,
                    ranges, cursor.toString(), heldUntil == null ? null : heldUntil.toString(), chunk, heldText));
            recordBytes.increment(response.body().length);
            failpoints.fire(Failpoint.STREAM_CHUNK_BEFORE);
            merge(response.body());
            // The answer stops at the end of the held list when that came first; the stream goes on after it.
            StreamCursor next = next(response);
            if (next == null) {
                next = heldUntil;
            }
            for (String other : live.subList(1, live.size())) {
                compare(address(other).orElseThrow(), message, ranges, cursor, next);
            }
            int finished = next == null ? ranges.size() : next.range();
            for (int k = 0; k < finished; k++) {
                run.checkpoint().done().add(remaining.get(k));
            }
            storage.putMeta(CHECKPOINT, JSON.writeValueAsBytes(run.checkpoint()));
            failpoints.fire(Failpoint.STREAM_CHUNK_AFTER);
            report(run, "streaming");
            cursor = next;
        }
    }

    /** The digests of one chunk's span on another source; pulls every key whose version differs here. */
    private void compare(String source, TopologyMessage message, List<long[]> ranges, StreamCursor from,
                         StreamCursor to) {
        StreamCursor cursor = from;
        while (cursor != null && !stopping) {
            HttpResponse<byte[]> response = call(source, InternalPaths.STREAMING_DIGESTS, new StreamRequest(message,
                    ranges, cursor.toString(), to == null ? null : to.toString(), (int) properties.chunk().toBytes(),
                    null));
            digestBytes.increment(response.body().length);
            pullDiffering(source, response.body());
            cursor = next(response);
        }
    }

    /** Pulls from {@code source} every key of a digest list whose version here differs from the source's. */
    private void pullDiffering(String source, byte[] digests) {
        List<String> differing = new ArrayList<>();
        for (KeyDigest digest : KeyDigestCodec.decode(digests)) {
            if (digest.digest() != RecordDigest.of(digest.key(), store.read(digest.key()))) {
                differing.add(KeyCodec.encode(digest.key()));
            }
        }
        for (int i = 0; i < differing.size(); i += PULL_BATCH) {
            pull(source, differing.subList(i, Math.min(differing.size(), i + PULL_BATCH)));
        }
    }

    private static StreamCursor next(HttpResponse<byte[]> response) {
        return response.headers().firstValue(Headers.STREAM_NEXT).map(StreamCursor::parse).orElse(null);
    }

    private void merge(byte[] batch) {
        for (RecordBatchCodec.KeyedRecord keyed : RecordBatchCodec.decode(batch)) {
            store.merge(keyed.key(), keyed.record());
            keysReceived.increment();
        }
    }

    private List<RangeTransfer> gains(Topology topology) {
        String self = topologies.localId();
        return topology.transfers().stream().filter(t -> t.to().equals(self)).toList();
    }

    private void report(Run run, String phase) {
        long bytes = (long) (recordBytes.count() + digestBytes.count() - run.bytesAtStart());
        long keys = (long) keysReceived.count() - run.keysAtStart();
        double seconds = Math.max(0.001, (clock.millis() - run.startedAt()) / 1000.0);
        int done = run.checkpoint().done().size();
        int doneHere = done - run.resumed();
        Long eta = done >= run.total() ? Long.valueOf(0) : doneHere <= 0 ? null
                : Math.round(seconds / doneHere * (run.total() - done));
        progress = new StreamingProgress(run.version(), phase, done, run.total(), keys, bytes,
                Math.round(bytes / seconds), eta, run.resumed());
    }

    private void pull(String source, List<String> keys) {
        byte[] body = JSON.writeValueAsBytes(Map.of("keys", keys));
        HttpResponse<byte[]> response = send(source, InternalPaths.MERKLE_PULL, body);
        recordBytes.increment(response.body().length);
        merge(response.body());
    }

    private HttpResponse<byte[]> call(String source, String path, StreamRequest request) {
        return send(source, path, JSON.writeValueAsBytes(request));
    }

    private HttpResponse<byte[]> send(String source, String path, byte[] body) {
        HttpResponse<byte[]> response;
        try {
            response = peers.post(source, path, "application/json", body, properties.timeout())
                    .get(properties.timeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (Exception e) {
            throw new IllegalStateException(source + path + " failed: " + e, e);
        }
        if (response.statusCode() == 409) {
            JsonNode problem = JSON.readTree(response.body());
            topologies.adopt(JSON.treeToValue(problem.get("topology"), TopologyMessage.class));
            throw new StaleTopologyException();
        }
        if (response.statusCode() != 200) {
            throw new IllegalStateException(source + path + " answered HTTP " + response.statusCode() + ": "
                    + new String(response.body(), StandardCharsets.UTF_8));
        }
        pause(limiter.delayMillisFor(response.body().length));
        return response;
    }

    private Optional<String> address(String nodeId) {
        Membership membership = gossip.membership();
        if (membership == null) {
            return Optional.empty();
        }
        return membership.members(clock.millis()).stream().filter(m -> m.state().nodeId().equals(nodeId))
                .map(m -> m.state().address()).findFirst();
    }

    private Checkpoint loadCheckpoint(String version) {
        byte[] bytes = storage.getMeta(CHECKPOINT);
        if (bytes != null) {
            Checkpoint stored = JSON.readValue(bytes, Checkpoint.class);
            if (stored.version().equals(version)) {
                return new Checkpoint(version, new TreeSet<>(stored.done()));
            }
        }
        return new Checkpoint(version, new TreeSet<>());
    }

    private void pause(long millis) {
        if (millis <= 0) {
            return;
        }
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopping = true;
        }
    }

    private static final class StaleTopologyException extends RuntimeException {
        StaleTopologyException() {
            super("a source holds a newer topology", null, false, false);
        }
    }

    private static final class SourcesUnavailableException extends RuntimeException {
        SourcesUnavailableException(String message) {
            super(message, null, false, false);
        }
    }
}
