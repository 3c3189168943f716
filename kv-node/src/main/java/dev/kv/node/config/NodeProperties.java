package dev.kv.node.config;

import dev.kv.core.Limits;
import dev.kv.core.record.ConflictMode;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
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
 * @param valueMax     the largest value a client may write, the same as every gateway's {@code kv.gateway.value-max};
 *                     the caps on internal request bodies are derived from it ({@link BodyLimits})
 */
@Validated
@ConfigurationProperties("kv.node")
public record NodeProperties(
        @NotBlank @Pattern(regexp = "[A-Za-z0-9._-]{1,64}", message = "node ids are 1-64 of [A-Za-z0-9._-]") String id,
        @DefaultValue("./.kv-data/node") @NotNull Path dataDir,
        @DefaultValue("vector-clock") @NotNull String conflictMode,
        @DefaultValue("false") boolean syncWrites,
        @DefaultValue("1MB") @NotNull DataSize valueMax) {

    @ConstructorBinding
    public NodeProperties {
        try {
            ConflictMode.parse(conflictMode);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("kv.node.conflict-mode: " + e.getMessage());
        }
        if (valueMax.toBytes() < 0 || valueMax.toBytes() > Limits.VALUE_BYTES_HARD_MAX) {
            throw new IllegalArgumentException("kv.node.value-max must be at most " + Limits.VALUE_BYTES_HARD_MAX);
        }
    }

    /** With the default value limit (tests). */
    public NodeProperties(String id, Path dataDir, String conflictMode, boolean syncWrites) {
        this(id, dataDir, conflictMode, syncWrites, DataSize.ofBytes(Limits.VALUE_BYTES_MAX));
    }

    public ConflictMode mode() {
        return ConflictMode.parse(conflictMode);
    }
}
