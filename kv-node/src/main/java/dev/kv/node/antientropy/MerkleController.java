package dev.kv.node.antientropy;

import dev.kv.core.codec.KeyDigestCodec;
import dev.kv.core.codec.RecordBatchCodec;
import dev.kv.core.contract.InternalPaths;
import dev.kv.core.key.KeyCodec;
import dev.kv.core.merkle.MerkleTree;
import dev.kv.core.quorum.InvalidParameterException;
import dev.kv.core.record.Record;
import dev.kv.node.storage.RecordStore;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import java.util.ArrayList;
import java.util.List;

/**
 * The answering side of a Merkle exchange (the flow is described in {@link Exchanger}).
 *
 * <pre>
 * POST /internal/v1/merkle/children  {range, level, nodes} → {known, hashes}   16 child hashes per node, packed
 * POST /internal/v1/merkle/digests   {range, leaves}       → key digests       binary, {@link KeyDigestCodec}
 * POST /internal/v1/merkle/pull      {keys}                → record batch      binary
 * PUT  /internal/v1/merkle/push      record batch          → 204               merged like any replica write
 * </pre>
 */
@RestController
class MerkleController {

    private final MerkleTrees trees;
    private final RecordStore store;

    MerkleController(MerkleTrees trees, RecordStore store) {
        this.trees = trees;
        this.store = store;
    }

    @PostMapping(InternalPaths.MERKLE_CHILDREN)
    MerkleMessages.ChildrenResponse children(@RequestBody MerkleMessages.ChildrenRequest request) {
        if (request.level() == 0) {
            trees.refreshIfStale(); // an exchange starts: answer from trees of the current ring
        }
        MerkleTree tree = trees.tree(request.range());
        if (tree == null || request.level() < 0 || request.level() >= tree.depth()) {
            return new MerkleMessages.ChildrenResponse(false, new byte[0]);
        }
        requireWithin(request.nodes(), tree.nodeCount(request.level()), "node");
        return MerkleMessages.ChildrenResponse.of(tree.children(request.level(), request.nodes()));
    }

    @PostMapping(value = InternalPaths.MERKLE_DIGESTS, produces = MediaType.APPLICATION_OCTET_STREAM_VALUE)
    byte[] digests(@RequestBody MerkleMessages.DigestsRequest request) {
        MerkleTree tree = trees.tree(request.range());
        if (tree != null) {
            requireWithin(request.leaves(), tree.leafCount(), "leaf");
        }
        return KeyDigestCodec.encode(trees.digests(request.range(), request.leaves()));
    }

    @PostMapping(value = InternalPaths.MERKLE_PULL, produces = MediaType.APPLICATION_OCTET_STREAM_VALUE)
    byte[] pull(@RequestBody MerkleMessages.PullRequest request) {
        if (request.keys().size() > RecordBatchCodec.BATCH_RECORDS_MAX) {
            throw new InvalidParameterException("keys",
                    "at most " + RecordBatchCodec.BATCH_RECORDS_MAX + " keys per pull");
        }
        List<RecordBatchCodec.KeyedRecord> records = new ArrayList<>();
        for (String encoded : request.keys()) {
            byte[] key = KeyCodec.decode(encoded);
            Record record = store.read(key);
            if (!record.isEmpty() || !record.clock().isEmpty()) {
                records.add(new RecordBatchCodec.KeyedRecord(key, record));
            }
        }
        return RecordBatchCodec.encode(records);
    }

    private static void requireWithin(int[] indexes, int count, String what) {
        for (int index : indexes) {
            if (index < 0 || index >= count) {
                throw new InvalidParameterException(what, what + " " + index + " is outside 0.." + (count - 1));
            }
        }
    }

    @PutMapping(value = InternalPaths.MERKLE_PUSH, consumes = MediaType.APPLICATION_OCTET_STREAM_VALUE)
    ResponseEntity<Void> push(@RequestBody byte[] batch) {
        for (RecordBatchCodec.KeyedRecord keyed : RecordBatchCodec.decode(batch)) {
            store.merge(keyed.key(), keyed.record());
        }
        return ResponseEntity.noContent().build();
    }
}
