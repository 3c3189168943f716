package dev.kv.node.storage;

import dev.kv.node.config.NodeProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.nio.ByteBuffer;
import java.time.InstantSource;

/**
 * Who this node is: its configured id, and its generation, fixed when its data directory was created. The actor
 * that stamps this node's writes is {@code id:generation}, so a node whose data was wiped (a new generation) can never
 * issue a dot it already gave to another value before the wipe.
 */
@Component
public class NodeIdentity {

    private static final Logger log = LoggerFactory.getLogger(NodeIdentity.class);
    private static final String GENERATION = "generation";

    private final String nodeId;
    private final long generation;

    public NodeIdentity(NodeProperties properties, RocksStorage storage, InstantSource clock) {
        this.nodeId = properties.id();
        byte[] stored = storage.getMeta(GENERATION);
        if (stored == null) {
            generation = clock.millis();
            storage.putMeta(GENERATION, ByteBuffer.allocate(8).putLong(generation).array());
            log.info("new data directory: node {} starts generation {}", nodeId, generation);
        } else {
            generation = ByteBuffer.wrap(stored).getLong();
        }
    }

    public String nodeId() {
        return nodeId;
    }

    public long generation() {
        return generation;
    }

    public String actor() {
        return nodeId + ":" + generation;
    }
}
