package dev.kv.node.streaming;

import dev.kv.web.DataSizeMin;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;

/**
 * Range streaming during membership changes (issue 12).
 *
 * @param rate       bytes per second this node receives at most, records and digests together (Cassandra's default
 *                   is 24 MiB/s)
 * @param chunk      bytes a source answers per call
 * @param timeout    per streaming call
 * @param retryDelay wait before streaming again after a failure (a source down, a stale topology)
 * @param sources    {@code quorum}: merge N − W + 1 sources for a majority W (every write acknowledged at W is seen,
 *                   the default); {@code all}: every live source, so a write acknowledged at w=1 by the one replica
 *                   giving the range up is kept too, for one more digest pass per range
 */
@Validated
@ConfigurationProperties("kv.streaming")
public record StreamingProperties(
        @DefaultValue("32MB") @NotNull @DataSizeMin("1B") DataSize rate,
        @DefaultValue("1MB") @NotNull @DataSizeMin("1B") DataSize chunk,
        @DefaultValue("30s") @NotNull @DurationMin(millis = 1) Duration timeout,
        @DefaultValue("1s") @NotNull @DurationMin(millis = 0) Duration retryDelay,
        @DefaultValue("quorum") @NotNull @Pattern(regexp = "quorum|all", message = "must be quorum or all")
        String sources) {
}
