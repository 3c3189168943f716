package dev.kv.node.storage;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

/** Storage gauges for Prometheus: estimated keys and bytes in RocksDB. */
@Component
class StorageMetrics {

    StorageMetrics(RocksStorage storage, NodeIdentity identity, MeterRegistry registry) {
        Gauge.builder("kv.storage.keys", storage, RocksStorage::estimatedKeys)
                .description("estimated number of records").tag("node", identity.nodeId()).register(registry);
        Gauge.builder("kv.storage.live.bytes", storage, RocksStorage::liveDataBytes)
                .description("estimated live data size").baseUnit("bytes").tag("node", identity.nodeId())
                .register(registry);
        Gauge.builder("kv.storage.sst.bytes", storage, RocksStorage::totalSstBytes)
                .description("total size of SST files").baseUnit("bytes").tag("node", identity.nodeId())
                .register(registry);
    }
}
