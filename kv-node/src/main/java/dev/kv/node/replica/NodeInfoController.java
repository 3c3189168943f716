package dev.kv.node.replica;

import dev.kv.core.contract.InternalPaths;
import dev.kv.node.storage.NodeIdentity;
import dev.kv.node.storage.RocksStorage;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import java.lang.management.ManagementFactory;
import java.util.Map;

/** What the node says about itself, for the gateway's cluster view and the dashboard. */
@RestController
class NodeInfoController {

    private final NodeIdentity identity;
    private final RocksStorage storage;

    NodeInfoController(NodeIdentity identity, RocksStorage storage) {
        this.identity = identity;
        this.storage = storage;
    }

    @GetMapping(InternalPaths.INFO)
    Map<String, Object> info() {
        return Map.of(
                "nodeId", identity.nodeId(),
                "generation", identity.generation(),
                "actor", identity.actor(),
                "uptimeMs", ManagementFactory.getRuntimeMXBean().getUptime(),
                "keys", storage.estimatedKeys(),
                "diskBytes", storage.totalSstBytes());
    }
}
