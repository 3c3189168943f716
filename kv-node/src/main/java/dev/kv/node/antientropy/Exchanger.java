package dev.kv.node.antientropy;

import dev.kv.core.codec.KeyDigestCodec;
import dev.kv.core.codec.RecordBatchCodec;
import dev.kv.core.contract.InternalPaths;
import dev.kv.core.key.KeyCodec;
import dev.kv.core.merkle.ByteRateLimiter;
import dev.kv.core.merkle.KeyDiff;
import dev.kv.core.merkle.KeyDigest;
import dev.kv.core.merkle.MerkleTree;
import dev.kv.core.record.Record;
import dev.kv.node.config.BodyLimits;
import dev.kv.node.faults.Failpoint;
import dev.kv.node.faults.Failpoints;
import dev.kv.node.peer.PeerClient;
import dev.kv.node.storage.RecordStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One Merkle exchange of one range between this node (A) and a peer (B) that replicates it too.
 *
 * <pre>
 * A ──children(range, level 0, [root])──▶ B   compare the 16 children of the root
 * A ──children(range, level L, differing)─▶ B  descend only into subtrees whose hashes differ, down to the leaves
 * A ──digests(range, differing leaves)──▶ B    keys and version digests of those leaves; A reads its own from disk
 * A ──pull(keys that differ)──▶ B              B's records, merged into A's (the normal record merge)
 * A ──push(A's merged records)──▶ B            B merges them; both now hold the join
 * </pre>
 *
 * Merging is a join, so deletes and expiries (tombstones) dominate the older versions on both sides and nothing
 * deleted comes back. Every message is throttled to the configured bytes per second.
 */
@Component
class Exchanger {

    private final BodyLimits limits;
    private final MerkleTrees trees;
    private final RecordStore store;
    private final PeerClient peers;
    private final JsonMapper json;
    private final AntiEntropyProperties properties;
    private final InstantSource clock;
    private final ByteRateLimiter limiter;
    private final MeterRegistry registry;
    private final Failpoints failpoints;

    Exchanger(MerkleTrees trees, RecordStore store, PeerClient peers, JsonMapper json,
              AntiEntropyProperties properties, InstantSource clock, MeterRegistry registry, BodyLimits limits,
              Failpoints failpoints) {
        this.failpoints = failpoints;
        this.limits = limits;
        this.trees = trees;
        this.store = store;
        this.peers = peers;
        this.json = json;
        this.properties = properties;
        this.clock = clock;
        this.registry = registry;
        this.limiter = new ByteRateLimiter(clock, properties.rate().toBytes());
    }

    ExchangeResult exchange(String range, String peer, String peerAddress) {
        Session session = new Session(range, peer, peerAddress, clock.millis());
        try {
            MerkleTree tree = trees.tree(range);
            if (tree == null) {
                return session.result("skipped", 0, 0, "this node no longer replicates the range");
            }
            int[] nodes = {0};
            for (int level = 0; level < tree.depth() && nodes.length > 0; level++) {
                MerkleMessages.ChildrenResponse theirs = session.call(InternalPaths.MERKLE_CHILDREN,
                        new MerkleMessages.ChildrenRequest(range, level, nodes), MerkleMessages.ChildrenResponse.class);
                if (!theirs.known()) {
                    return session.result("skipped", 0, 0, peer + " does not replicate the range yet");
                }
                long[] hashes = theirs.unpacked();
                if (hashes.length != nodes.length * MerkleTree.FANOUT) {
                    return session.result("failed", 0, 0, peer + " answered " + hashes.length + " hashes for "
                            + nodes.length + " nodes (tree depths differ?)");
                }
                nodes = MerkleTree.differingChildren(nodes, tree.children(level, nodes), hashes);
            }
            if (nodes.length == 0) {
                return session.result("in-sync", 0, 0, null);
            }
            int step = Math.max(1, properties.leavesPerRequest());
            for (int from = 0; from < nodes.length; from += step) {
                repairLeaves(session, Arrays.copyOfRange(nodes, from, Math.min(nodes.length, from + step)));
            }
            return session.result(session.repaired == 0 ? "in-sync" : "repaired", session.compared,
                    session.repaired, null);
        } catch (Exception e) {
            // What was repaired in earlier steps stays repaired; the next exchange finds only what is left.
            return session.result("failed", session.compared, session.repaired, e.toString());
        }
    }

    /**
     * Compares the key digests of some differing leaves ({@link KeyDiff}) and moves the records that differ, both
     * ways, {@code batchKeys} keys at a time: each batch's pull (and merge), then its push.
     */
    private void repairLeaves(Session session, int[] leaves) throws Exception {
        Map<ByteBuffer, Long> mine = new LinkedHashMap<>();
        for (KeyDigest digest : trees.digests(session.range, leaves)) {
            mine.put(ByteBuffer.wrap(digest.key()), digest.digest());
        }
        Map<ByteBuffer, Long> theirs = new LinkedHashMap<>();
        for (KeyDigest digest : KeyDigestCodec.decode(session.send(InternalPaths.MERKLE_DIGESTS, "application/json",
                json.writeValueAsBytes(new MerkleMessages.DigestsRequest(session.range, leaves))))) {
            theirs.put(ByteBuffer.wrap(digest.key()), digest.digest());
        }
        KeyDiff<ByteBuffer> diff = KeyDiff.between(mine, theirs);
        for (KeyDiff.Batch<ByteBuffer> batch : diff.batches(properties.batchKeys())) {
            pullAndMerge(session, batch.pull());
            push(session, batch.push());
        }
        count("kv.antientropy.keys.compared", diff.compared());
        count("kv.antientropy.keys.repaired", diff.differing());
        session.compared += diff.compared();
        session.repaired += diff.differing();
    }

    private void pullAndMerge(Session session, List<ByteBuffer> keys) throws Exception {
        if (keys.isEmpty()) {
            return;
        }
        List<String> encoded = keys.stream().map(k -> KeyCodec.encode(bytes(k))).toList();
        byte[] records = session.send(InternalPaths.MERKLE_PULL, "application/json",
                json.writeValueAsBytes(new MerkleMessages.PullRequest(encoded)));
        session.recordBytes += records.length;
        failpoints.fire(Failpoint.MERKLE_PULL_BEFORE);
        for (RecordBatchCodec.KeyedRecord keyed : RecordBatchCodec.decode(records)) {
            store.merge(keyed.key(), keyed.record());
        }
        failpoints.fire(Failpoint.MERKLE_PULL_AFTER);
    }

    private void push(Session session, List<ByteBuffer> keys) throws Exception {
        List<RecordBatchCodec.KeyedRecord> records = new ArrayList<>();
        for (ByteBuffer key : keys) {
            Record record = store.read(bytes(key));
            if (!record.isEmpty() || !record.clock().isEmpty()) {
                records.add(new RecordBatchCodec.KeyedRecord(bytes(key), record));
            }
        }
        if (!records.isEmpty()) {
            failpoints.fire(Failpoint.MERKLE_PUSH_BEFORE);
            pushWithinLimit(session, records);
            failpoints.fire(Failpoint.MERKLE_PUSH_AFTER);
        }
    }

    /**
     * A batch larger than the peer accepts ({@link BodyLimits#pushBytesMax()}, which one record of the largest size
     * always fits) is split in halves until each fits, so large values never make a push fail for good.
     */
    private void pushWithinLimit(Session session, List<RecordBatchCodec.KeyedRecord> records) throws Exception {
        byte[] batch = RecordBatchCodec.encode(records);
        if (batch.length > limits.pushBytesMax() && records.size() > 1) {
            int half = records.size() / 2;
            pushWithinLimit(session, records.subList(0, half));
            pushWithinLimit(session, records.subList(half, records.size()));
            return;
        }
        session.recordBytes += batch.length;
        session.send(InternalPaths.MERKLE_PUSH, "application/octet-stream", batch);
    }

    /** Waits as long as the byte budget demands, on the JDK's delayed executor rather than a sleeping thread. */
    private void throttle(long bytes) {
        long delay = limiter.delayMillisFor(bytes);
        if (delay > 0) {
            CompletableFuture.runAsync(() -> { }, CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS))
                    .join();
        }
    }

    private static byte[] bytes(ByteBuffer key) {
        byte[] bytes = new byte[key.remaining()];
        key.duplicate().get(bytes);
        return bytes;
    }

    private void count(String name, long amount) {
        Counter.builder(name).register(registry).increment(amount);
    }

    /**
     * One exchange in progress: where it goes and what it has cost. Every message body both ways (tree hashes, key
     * digests, records) counts towards the traffic and the byte rate limit; records are also counted on their own.
     */
    private final class Session {

        private final String range;
        private final String peer;
        private final String address;
        private final long start;
        private long recordBytes;
        private long wireBytes;
        private long compared;
        private long repaired;

        private Session(String range, String peer, String address, long start) {
            this.range = range;
            this.peer = peer;
            this.address = address;
            this.start = start;
        }

        <T> T call(String path, Object request, Class<T> answer) throws Exception {
            return json.readValue(send(path, "application/json", json.writeValueAsBytes(request)), answer);
        }

        /** POSTs (PUT for a push) a body, throttled, and answers the peer's body; anything but 2xx fails. */
        byte[] send(String path, String contentType, byte[] body) throws Exception {
            throttle(body.length);
            var call = path.endsWith("/push")
                    ? peers.put(address, path, body, properties.timeout())
                    : peers.post(address, path, contentType, body, properties.timeout());
            HttpResponse<byte[]> response = call.get(properties.timeout().toMillis() + 100, TimeUnit.MILLISECONDS);
            if (response.statusCode() / 100 != 2) {
                throw new IllegalStateException(peer + " answered HTTP " + response.statusCode() + " to " + path);
            }
            throttle(response.body().length);
            wireBytes += body.length + response.body().length;
            return response.body();
        }

        ExchangeResult result(String outcome, long compared, long repaired, String error) {
            Counter.builder("kv.antientropy.exchanges").tag("outcome", outcome).register(registry).increment();
            count("kv.antientropy.bytes.moved", recordBytes);
            count("kv.antientropy.bytes.exchanged", wireBytes);
            long now = clock.millis();
            return new ExchangeResult(range, peer, outcome, compared, repaired, recordBytes, wireBytes, now,
                    now - start, error);
        }
    }
}
