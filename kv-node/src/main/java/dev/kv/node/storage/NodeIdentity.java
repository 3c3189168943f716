package dev.kv.node.storage;

import dev.kv.node.config.NodeProperties;
import dev.kv.web.runtime.SystemSources;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.nio.ByteBuffer;
import java.time.InstantSource;
import java.util.HexFormat;

/**
 * Who this node is: its configured id; its generation, fixed when its data directory was created; and its epoch, new at
 * every start (48 random bits, so neither the disk nor the clock can repeat one). The actor that stamps this node's
 * writes is {@code id:epoch}. A dot is the actor's next counter for the key as the local record knows it, so a node
 * whose record is behind what it once wrote (its data wiped, or restored from an old copy) would hand out a dot it
 * already gave to another value, and replicas would take the new value as already seen and drop it (Riak's kv679). A
 * fresh actor per start rules that out whatever the disk holds; the price is one clock entry per start that wrote the
 * key, bounded by clock pruning.
 */
@Component
public class NodeIdentity {

    private static final Logger log = LoggerFactory.getLogger(NodeIdentity.class);
    private static final String GENERATION = "generation";
    private static final long EPOCH_MASK = 0xFFFF_FFFF_FFFFL;

    private final String nodeId;
    private final long generation;
    private final String epoch;

    public NodeIdentity(NodeProperties properties, RocksStorage storage, InstantSource clock) {
        this.nodeId = properties.id();
        byte[] stored = storage.getMeta(GENERATION);
        if (stored == null) {
            generation = clock.millis();
            storage.putMeta(GENERATION, longBytes(generation));
            log.info("new data directory: node {} starts generation {}", nodeId, generation);
        } else {
            generation = ByteBuffer.wrap(stored).getLong();
        }
        // Not the node's injected (seedable) generator: an epoch must never repeat, whatever a test or a replay
        // seeds, or a restarted node could mint dots it already gave to other values (kv679). So it comes from the
        // system's entropy, through the one adapter that reads it.
        epoch = HexFormat.of().toHexDigits(SystemSources.secureRandom().nextLong() & EPOCH_MASK).substring(4);
    }

    public String nodeId() {
        return nodeId;
    }

    public long generation() {
        return generation;
    }

    public String epoch() {
        return epoch;
    }

    public String actor() {
        return nodeId + ":" + epoch;
    }

    private static byte[] longBytes(long value) {
        return ByteBuffer.allocate(8).putLong(value).array();
    }
}
