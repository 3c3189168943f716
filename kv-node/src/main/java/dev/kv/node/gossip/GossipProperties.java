package dev.kv.node.gossip;

import dev.kv.core.cluster.MemberAddress;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;
import java.util.List;

/**
 * Membership and failure detection.
 *
 * @param seeds            nodes to contact first, as {@code host:port} or URLs; in Kubernetes the StatefulSet pods'
 *                         stable DNS names behind the headless Service. A node may list itself.
 * @param advertiseAddress the URL peers use to reach this node; defaults to {@code http://<server.address>:<port>}
 *                         ({@code https} under member TLS)
 * @param interval         one gossip round per interval
 * @param phiThreshold     phi at or above which a peer is judged down (suspect from half of it)
 * @param minStdDeviation  floor of the heartbeat-interval deviation in the phi computation
 * @param acceptablePause  a silence this long on top of the mean interval is not yet suspicious
 * @param timeout          per gossip call
 */
@Validated
@ConfigurationProperties("kv.gossip")
public record GossipProperties(
        @DefaultValue({}) @NotNull List<String> seeds,
        String advertiseAddress,
        @DefaultValue("1s") @NotNull @DurationMin(millis = 1) Duration interval,
        @DefaultValue("8") @Positive double phiThreshold,
        @DefaultValue("250ms") @NotNull @DurationMin(millis = 1) Duration minStdDeviation,
        @DefaultValue("500ms") @NotNull @DurationMin(millis = 0) Duration acceptablePause,
        @DefaultValue("500ms") @NotNull @DurationMin(millis = 1) Duration timeout) {

    /** Seeds and the advertised address are called with the cluster secret: only plain base URLs are accepted. */
    public GossipProperties {
        seeds.forEach(seed -> MemberAddress.validate(toUrl(seed)));
        if (advertiseAddress != null && !advertiseAddress.isBlank()) {
            MemberAddress.validate(toUrl(advertiseAddress));
        }
    }

    /** Seeds as base URLs; {@code scheme} for those given as {@code host:port}. */
    public List<String> seedUrls(String scheme) {
        return seeds.stream().map(seed -> toUrl(seed, scheme)).toList();
    }

    public static String toUrl(String address) {
        return toUrl(address, "http");
    }

    /** The address as a base URL, with {@code scheme} when it has none. */
    public static String toUrl(String address, String scheme) {
        String trimmed = address.trim();
        String url = trimmed.startsWith("http://") || trimmed.startsWith("https://") ? trimmed
                : scheme + "://" + trimmed;
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
