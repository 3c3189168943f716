package dev.kv.node.storage;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/** Up while RocksDB answers; part of the readiness group, so a node with broken storage takes no traffic. */
@Component("storage")
class StorageHealthIndicator implements HealthIndicator {

    private final RocksStorage storage;
    private final NodeIdentity identity;

    StorageHealthIndicator(RocksStorage storage, NodeIdentity identity) {
        this.storage = storage;
        this.identity = identity;
    }

    @Override
    public Health health() {
        try {
            storage.getMeta("generation");
            return Health.up().withDetail("node", identity.nodeId()).withDetail("generation", identity.generation())
                    .withDetail("keys", storage.estimatedKeys()).withDetail("dataDir", storage.directory().toString())
                    .build();
        } catch (RuntimeException e) {
            return Health.down(e).build();
        }
    }
}
