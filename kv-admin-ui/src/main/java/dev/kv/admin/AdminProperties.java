package dev.kv.admin;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.net.URI;
import java.time.Duration;

/**
 * Where the dashboard reads from.
 *
 * @param gatewayUrl base URL of a gateway
 * @param timeout    how long one call to the gateway may take
 */
@ConfigurationProperties("kv.admin")
public record AdminProperties(@DefaultValue("http://127.0.0.1:8080") URI gatewayUrl,
                              @DefaultValue("2s") Duration timeout) {
}
