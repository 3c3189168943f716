package dev.kv.gateway.limits;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The per-client rate limit of the public API ({@code /v1/**}).
 *
 * @param perClient requests per second each client may make; 0 switches the limit off
 * @param clientsMax the most clients tracked at once; beyond it the ones idle longest are forgotten (a forgotten client
 *                   starts again with a full allowance, which bounds memory under a flood of source addresses)
 */
@ConfigurationProperties("kv.gateway.rate-limit")
public record RateLimitProperties(@DefaultValue("0") int perClient, @DefaultValue("65536") int clientsMax) {

    public RateLimitProperties {
        if (perClient < 0 || clientsMax < 1) {
            throw new IllegalArgumentException("kv.gateway.rate-limit.per-client must be >= 0 and clients-max >= 1");
        }
    }
}
