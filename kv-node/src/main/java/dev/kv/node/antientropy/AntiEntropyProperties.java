package dev.kv.node.antientropy;

import dev.kv.web.DataSizeMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;

/**
 * Merkle-tree anti-entropy.
 *
 * @param enabled      run exchanges in the background (manual repair works either way)
 * @param interval     pause between two background exchanges (each with one peer over one range), with jitter
 * @param cycle        every (range, peer) pair is exchanged at least once per cycle; tombstones must outlive it
 * @param depth        tree depth, 1 to 5 (kv-core {@code MerkleTree}); 16^depth leaves (3: 4096)
 * @param rate         bytes of records moved per second at most
 * @param timeout      per call to a peer
 * @param batchKeys    keys per pull or push request
 * @param leavesPerRequest differing leaves whose key digests are compared per request: bounds what one call scans,
 *                     so a range where most leaves differ (a replica that missed many writes) is repaired in steps
 *                     that each finish within the timeout, instead of one scan of the whole range that never does
 * @param treeRebuild  how often trees are rebuilt from disk (they are kept current incrementally in between)
 */
@Validated
@ConfigurationProperties("kv.antientropy")
public record AntiEntropyProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("5s") @NotNull @DurationMin(millis = 1) Duration interval,
        @DefaultValue("10m") @NotNull @DurationMin(millis = 1) Duration cycle,
        @DefaultValue("3") @Min(1) @Max(5) int depth,
        @DefaultValue("8MB") @NotNull @DataSizeMin("1B") DataSize rate,
        @DefaultValue("5s") @NotNull @DurationMin(millis = 1) Duration timeout,
        @DefaultValue("500") @Min(1) int batchKeys,
        @DefaultValue("16") @Min(1) int leavesPerRequest,
        @DefaultValue("1h") @NotNull @DurationMin(millis = 0) Duration treeRebuild) {
}
