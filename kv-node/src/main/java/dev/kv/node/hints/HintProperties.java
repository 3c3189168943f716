package dev.kv.node.hints;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

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
@ConfigurationProperties("kv.hints")
public record HintProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("3h") Duration window,
        @DefaultValue("256MB") DataSize maxStorage,
        @DefaultValue("1s") Duration deliveryInterval,
        @DefaultValue("1000") int deliveryRate,
        @DefaultValue("1s") Duration timeout) {
}
