package dev.kv.web.limits;

import dev.kv.web.DataSizeMin;
import jakarta.validation.constraints.NotNull;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;

/**
 * The body budget of a service's data port ({@link BodyBudgetConfiguration}).
 *
 * @param bodyBudget  request body bytes that may be in flight at once; unset, an eighth of the heap, so the bodies
 *                    held at once, with the copies a request makes of them, stay well inside it
 * @param largestBody what a body of unknown length reserves: the service's own largest legitimate body
 * @param bodyWait    how long a request waits for room in the budget before its 503
 */
@Validated
@ConfigurationProperties("kv.limits")
public record LimitsProperties(
        @DataSizeMin("1B") DataSize bodyBudget,
        @DefaultValue("20MB") @NotNull @DataSizeMin("1B") DataSize largestBody,
        @DefaultValue("100ms") @NotNull @DurationMin(millis = 0) Duration bodyWait) {

    /** The budget in bytes: the one configured, else an eighth of {@code maxHeapBytes}. */
    public long bodyBudgetBytes(long maxHeapBytes) {
        return bodyBudget != null ? bodyBudget.toBytes() : maxHeapBytes / 8;
    }
}
