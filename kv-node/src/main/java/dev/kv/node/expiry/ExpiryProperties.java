package dev.kv.node.expiry;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;

/**
 * Purging of deleted and expired records.
 *
 * @param tombstoneGrace how long a tombstone (or an expired record) is kept at least after it died; it must outlast
 *                       a late coordinator's write and a hint (hints older than it are dropped). It is then purged
 *                       once every other replica of its range has exchanged with this node since ({@link PurgeGate})
 * @param sweepInterval  how often the sweep scans its next slice of records
 * @param sweepBatch     records per slice: the sweep walks the whole store a slice at a time, so a pass over N
 *                       records takes N / batch intervals and never stalls the node with a full scan
 */
@Validated
@ConfigurationProperties("kv.expiry")
public record ExpiryProperties(
        @DefaultValue("1h") @NotNull @DurationMin(millis = 0) Duration tombstoneGrace,
        @DefaultValue("1s") @NotNull @DurationMin(millis = 1) Duration sweepInterval,
        @DefaultValue("2000") @Min(1) int sweepBatch) {
}
