package dev.kv.node.config;

import dev.kv.core.record.ConflictMode;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import java.nio.file.Path;

/**
 * Identity and storage of this node.
 *
 * @param id           the node's stable name in the cluster (in Kubernetes, the pod name)
 * @param dataDir      where RocksDB keeps its files
 * @param conflictMode {@code vector-clock} or {@code lww}; must be the same on every node and gateway
 * @param syncWrites   fsync the write-ahead log on every write; off by default, which survives a process crash
 *                     ({@code kill -9}) but not a power loss, the same trade-off as Cassandra's periodic commit log
 */
@Validated
@ConfigurationProperties("kv.node")
public record NodeProperties(
        @NotBlank @Pattern(regexp = "[A-Za-z0-9._-]{1,64}", message = "node ids are 1-64 of [A-Za-z0-9._-]") String id,
        @DefaultValue("./.kv-data/node") Path dataDir,
        @DefaultValue("vector-clock") String conflictMode,
        @DefaultValue("false") boolean syncWrites) {

    public ConflictMode mode() {
        return ConflictMode.parse(conflictMode);
    }
}
