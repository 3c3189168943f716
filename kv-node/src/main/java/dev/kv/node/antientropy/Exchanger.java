package dev.kv.node.antientropy;

import dev.kv.core.codec.RecordBatchCodec;
import dev.kv.core.merkle.ByteRateLimiter;
import dev.kv.core.merkle.MerkleTree;
import dev.kv.core.record.Record;
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
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * deleted comes back. Record transfers are throttled to the configured bytes per second.
 */
@Component
class Exchanger {

    private final MerkleTrees trees;
    private final RecordStore store;
    private final PeerClient peers;
    private final JsonMapper json;
    private final AntiEntropyProperties properties;
    private final InstantSource clock;
    private final ByteRateLimiter limiter;
    private final MeterRegistry registry;

    Exchanger(MerkleTrees trees, RecordStore store, PeerClient peers, JsonMapper json,
              AntiEntropyProperties properties, InstantSource clock, MeterRegistry registry) {
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
        long start = clock.millis();
        try {
            MerkleTree tree = trees.tree(range);
            if (tree == null) {
                return result(range, peer, "skipped", 0, 0, 0, start, "this node no longer replicates the range");
            }
            int[] nodes = {0};
            for (int level = 0; level < tree.depth() && nodes.length > 0; level++) {
                MerkleMessages.ChildrenResponse theirs = call(peerAddress, "/internal/v1/merkle/children",
                        new MerkleMessages.ChildrenRequest(range, level, nodes), MerkleMessages.ChildrenResponse.class);
                if (!theirs.known()) {
                    return result(range, peer, "skipped", 0, 0, 0, start, peer + " does not replicate the range yet");
                }
                nodes = MerkleTree.differingChildren(nodes, tree.children(level, nodes), theirs.hashes());
            }
            if (nodes.length == 0) {
                return result(range, peer, "in-sync", 0, 0, 0, start, null);
            }
            return repairLeaves(range, peer, peerAddress, nodes, start);
        } catch (Exception e) {
            return result(range, peer, "failed", 0, 0, 0, start, e.toString());
        }
    }

    private ExchangeResult repairLeaves(String range, String peer, String peerAddress, int[] leaves, long start)
            throws Exception {
        Map<ByteBuffer, Long> mine = new HashMap<>();
        for (MerkleTrees.KeyDigest digest : trees.digests(range, leaves)) {
            mine.put(ByteBuffer.wrap(digest.key()), digest.digest());
        }
        MerkleMessages.DigestsResponse theirs = call(peerAddress, "/internal/v1/merkle/digests",
                new MerkleMessages.DigestsRequest(range, leaves), MerkleMessages.DigestsResponse.class);
        Set<ByteBuffer> compared = new LinkedHashSet<>(mine.keySet());
        Set<ByteBuffer> differing = new LinkedHashSet<>();
        Set<ByteBuffer> theirsPresent = new LinkedHashSet<>();
        for (int i = 0; i < theirs.keys().size(); i++) {
            ByteBuffer key = ByteBuffer.wrap(Base64.getUrlDecoder().decode(theirs.keys().get(i)));
            compared.add(key);
            theirsPresent.add(key);
            if (!Long.valueOf(theirs.digests()[i]).equals(mine.get(key))) {
                differing.add(key);
            }
        }
        for (ByteBuffer key : mine.keySet()) {
            if (!theirsPresent.contains(key)) {
                differing.add(key);
            }
        }
        long bytes = 0;
        List<ByteBuffer> keys = new ArrayList<>(differing);
        for (int from = 0; from < keys.size(); from += properties.batchKeys()) {
            List<ByteBuffer> batch = keys.subList(from, Math.min(keys.size(), from + properties.batchKeys()));
            bytes += pullAndMerge(peerAddress, batch.stream().filter(theirsPresent::contains).toList());
            bytes += push(peerAddress, batch.stream().filter(mine::containsKey).toList());
        }
        count("kv.antientropy.keys.compared", compared.size());
        count("kv.antientropy.keys.repaired", differing.size());
        count("kv.antientropy.bytes.moved", bytes);
        return result(range, peer, differing.isEmpty() ? "in-sync" : "repaired", compared.size(), differing.size(),
                bytes, start, null);
    }

    private long pullAndMerge(String peerAddress, List<ByteBuffer> keys) throws Exception {
        if (keys.isEmpty()) {
            return 0;
        }
        List<String> encoded = keys.stream()
                .map(k -> Base64.getUrlEncoder().withoutPadding().encodeToString(bytes(k))).toList();
        HttpResponse<byte[]> response = peers.post(peerAddress, "/internal/v1/merkle/pull", "application/json",
                json.writeValueAsBytes(new MerkleMessages.PullRequest(encoded)), properties.timeout())
                .get(properties.timeout().toMillis() + 100, TimeUnit.MILLISECONDS);
        expectSuccess(response);
        throttle(response.body().length);
        for (RecordBatchCodec.KeyedRecord keyed : RecordBatchCodec.decode(response.body())) {
            store.merge(keyed.key(), keyed.record());
        }
        return response.body().length;
    }

    private long push(String peerAddress, List<ByteBuffer> keys) throws Exception {
        List<RecordBatchCodec.KeyedRecord> records = new ArrayList<>();
        for (ByteBuffer key : keys) {
            Record record = store.read(bytes(key));
            if (!record.isEmpty() || !record.clock().isEmpty()) {
                records.add(new RecordBatchCodec.KeyedRecord(bytes(key), record));
            }
        }
        if (records.isEmpty()) {
            return 0;
        }
        byte[] batch = RecordBatchCodec.encode(records);
        throttle(batch.length);
        expectSuccess(peers.put(peerAddress, "/internal/v1/merkle/push", batch, properties.timeout())
                .get(properties.timeout().toMillis() + 100, TimeUnit.MILLISECONDS));
        return batch.length;
    }

    /** Waits as long as the byte budget demands, on the JDK's delayed executor rather than a sleeping thread. */
    private void throttle(long bytes) {
        long delay = limiter.delayMillisFor(bytes);
        if (delay > 0) {
            CompletableFuture.runAsync(() -> { }, CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS))
                    .join();
        }
    }

    private <T> T call(String peerAddress, String path, Object request, Class<T> answer) throws Exception {
        HttpResponse<byte[]> response = peers.post(peerAddress, path, "application/json",
                json.writeValueAsBytes(request), properties.timeout())
                .get(properties.timeout().toMillis() + 100, TimeUnit.MILLISECONDS);
        expectSuccess(response);
        return json.readValue(response.body(), answer);
    }

    private static void expectSuccess(HttpResponse<byte[]> response) {
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException("peer answered HTTP " + response.statusCode());
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

    private ExchangeResult result(String range, String peer, String outcome, long compared, long repaired,
                                  long bytes, long start, String error) {
        Counter.builder("kv.antientropy.exchanges").tag("outcome", outcome).register(registry).increment();
        long now = clock.millis();
        return new ExchangeResult(range, peer, outcome, compared, repaired, bytes, now, now - start, error);
    }
}
