package dev.kv.node.expiry;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * Purging of deleted and expired records.
 *
 * @param tombstoneGrace how long a tombstone (or an expired record) is kept after it died before it may be purged;
 *                       it must outlast every repair path that could still bring an older version back
 * @param sweepInterval  how often the node scans its records for purgeable ones
 */
@ConfigurationProperties("kv.expiry")
public record ExpiryProperties(
        @DefaultValue("1h") Duration tombstoneGrace,
        @DefaultValue("1m") Duration sweepInterval) {
}
