package dev.kv.node.antientropy;

import dev.kv.core.codec.RecordBatchCodec;
import dev.kv.core.merkle.MerkleTree;
import dev.kv.core.record.Record;
import dev.kv.node.storage.RecordStore;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The answering side of a Merkle exchange (the flow is described in {@link Exchanger}).
 *
 * <pre>
 * POST /internal/v1/merkle/children  {range, level, nodes} → {known, hashes}   16 child hashes per node
 * POST /internal/v1/merkle/digests   {range, leaves}       → {keys, digests}   keys and version digests
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

    @PostMapping("/internal/v1/merkle/children")
    MerkleMessages.ChildrenResponse children(@RequestBody MerkleMessages.ChildrenRequest request) {
        MerkleTree tree = trees.tree(request.range());
        if (tree == null || request.level() < 0 || request.level() >= tree.depth()) {
            return new MerkleMessages.ChildrenResponse(false, new long[0]);
        }
        return new MerkleMessages.ChildrenResponse(true, tree.children(request.level(), request.nodes()));
    }

    @PostMapping("/internal/v1/merkle/digests")
    MerkleMessages.DigestsResponse digests(@RequestBody MerkleMessages.DigestsRequest request) {
        List<MerkleTrees.KeyDigest> digests = trees.digests(request.range(), request.leaves());
        List<String> keys = new ArrayList<>(digests.size());
        long[] values = new long[digests.size()];
        for (int i = 0; i < digests.size(); i++) {
            keys.add(Base64.getUrlEncoder().withoutPadding().encodeToString(digests.get(i).key()));
            values[i] = digests.get(i).digest();
        }
        return new MerkleMessages.DigestsResponse(keys, values);
    }

    @PostMapping(value = "/internal/v1/merkle/pull", produces = MediaType.APPLICATION_OCTET_STREAM_VALUE)
    byte[] pull(@RequestBody MerkleMessages.PullRequest request) {
        List<RecordBatchCodec.KeyedRecord> records = new ArrayList<>();
        for (String encoded : request.keys()) {
            byte[] key = Base64.getUrlDecoder().decode(encoded);
            Record record = store.read(key);
            if (!record.isEmpty() || !record.clock().isEmpty()) {
                records.add(new RecordBatchCodec.KeyedRecord(key, record));
            }
        }
        return RecordBatchCodec.encode(records);
    }

    @PutMapping(value = "/internal/v1/merkle/push", consumes = MediaType.APPLICATION_OCTET_STREAM_VALUE)
    ResponseEntity<Void> push(@RequestBody byte[] batch) {
        for (RecordBatchCodec.KeyedRecord keyed : RecordBatchCodec.decode(batch)) {
            store.merge(keyed.key(), keyed.record());
        }
        return ResponseEntity.noContent().build();
    }
}
