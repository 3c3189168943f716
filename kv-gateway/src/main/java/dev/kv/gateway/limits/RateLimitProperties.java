package dev.kv.gateway.limits;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.PositiveOrZero;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The per-client rate limit of the public API ({@code /v1/**}).
 *
 * @param perClient requests per second each client may make; 0 switches the limit off
 * @param clientsMax the most clients tracked at once; beyond it the ones idle longest are forgotten (a forgotten client
 *                   starts again with a full allowance, which bounds memory under a flood of source addresses)
 */
@Validated
@ConfigurationProperties("kv.gateway.rate-limit")
public record RateLimitProperties(@DefaultValue("0") @PositiveOrZero int perClient,
                                  @DefaultValue("65536") @Min(1) int clientsMax) {
}
