package dev.kv.node.antientropy;

import dev.kv.core.codec.RecordCodec;
import dev.kv.core.merkle.MerkleTree;
import dev.kv.core.merkle.RecordDigest;
import dev.kv.core.record.Mutation;
import dev.kv.node.storage.RecordStore;
import dev.kv.node.storage.RocksStorage;
import dev.kv.node.storage.StorageKeys;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Trees rebuilt while writes land must still match the disk exactly. A single node (its own ring: one range), trees
 * rebuilt on every refresh, and writers racing the rebuilds.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "kv.antientropy.tree-rebuild=0ms", "kv.antientropy.enabled=false", "server.address=127.0.0.1"})
class MerkleTreesTest {

    @Autowired
    MerkleTrees trees;

    @Autowired
    RecordStore store;

    @Autowired
    RocksStorage storage;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws IOException {
        String dir = Files.createTempDirectory("kv-merkle-test").toString();
        registry.add("kv.node.data-dir", () -> dir);
    }

    /** The tree the store's current content should give, built from scratch. */
    private long expectedRoot(MerkleTree shape) {
        MerkleTree fresh = new MerkleTree(shape.depth());
        try (RocksStorage.Scan scan = storage.openScan()) {
            scan.forEach((storageKey, value) -> {
                byte[] key = StorageKeys.userKey(storageKey);
                fresh.update(StorageKeys.token(storageKey), 0, RecordDigest.of(key, RecordCodec.decode(value)));
                return true;
            });
        }
        return fresh.root();
    }

    @Test
    void treesRebuiltWhileWritesLandStillMatchTheDisk() throws Exception {
        await().until(() -> {
            trees.refreshIfStale();
            return !trees.ranges().isEmpty();
        });
        List<Thread> writers = new ArrayList<>();
        for (int w = 0; w < 3; w++) {
            int writer = w;
            writers.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 3_000; i++) {
                    store.coordinate(("race/" + writer + "/" + (i % 700)).getBytes(StandardCharsets.UTF_8),
                            Mutation.put(("v" + i).getBytes(StandardCharsets.UTF_8), "", 0, null));
                }
            }));
        }
        int rebuilds = 0;
        while (writers.stream().anyMatch(Thread::isAlive)) {
            trees.refreshIfStale(); // rebuilds every time here
            rebuilds++;
        }
        for (Thread writer : writers) {
            writer.join();
        }

        String range = trees.ranges().getFirst().range();
        MerkleTree tree = trees.tree(range);
        assertThat(rebuilds).as("rebuilds that raced the writes").isGreaterThan(1);
        assertThat(tree.root()).as("root of the last rebuild plus the writes since").isEqualTo(expectedRoot(tree));
    }
}
