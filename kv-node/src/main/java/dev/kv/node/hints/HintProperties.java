package dev.kv.node.hints;

import dev.kv.web.DataSizeMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;

/**
 * Hinted handoff on the holder's side.
 *
 * @param enabled          whether this node accepts hints (off: writes for down replicas wait for read repair and
 *                         anti-entropy)
 * @param window           a hint older than this is dropped (counted) instead of delivered; anti-entropy covers it
 * @param maxStorage       total hint bytes this node keeps; beyond it new hints are refused
 * @param deliveryInterval how often pending hints are checked for delivery
 * @param deliveryRate     hints delivered per second per target at most (throttle)
 * @param timeout          per delivery call
 */
@Validated
@ConfigurationProperties("kv.hints")
public record HintProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("3h") @NotNull @DurationMin(millis = 0) Duration window,
        @DefaultValue("256MB") @NotNull @DataSizeMin("0B") DataSize maxStorage,
        @DefaultValue("1s") @NotNull @DurationMin(millis = 1) Duration deliveryInterval,
        @DefaultValue("1000") @Min(1) int deliveryRate,
        @DefaultValue("1s") @NotNull @DurationMin(millis = 1) Duration timeout) {
}
