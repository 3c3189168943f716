package dev.kv.admin;

import dev.kv.web.DataSizeMin;
import jakarta.validation.constraints.NotNull;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * Where the dashboard reads from.
 *
 * @param gatewayUrl base URL of a gateway
 * @param timeout    how long one call to the gateway may take
 * @param username   with {@code password}, the dashboard asks for this login (HTTP Basic); both empty: no login,
 *                   which is for loopback development only ({@code ./kv up})
 * @param password   the login's password, from configuration or a Kubernetes Secret, never from code
 * @param valueMax   the largest value the key explorer forwards, the gateways' {@code kv.gateway.value-max}; a
 *                   larger request body is refused with 413 before it is read
 * @param gatewaySslBundle the SSL bundle ({@code spring.ssl.bundle.*}) whose trust store verifies an {@code https}
 *                   gateway; empty: the JDK's default trust
 * @param allowedHosts the host names (or addresses) the dashboard answers to in the {@code Host} header, besides
 *                   loopback ones; empty: any host when bound beyond loopback (the login guards it), loopback
 *                   names only when bound to loopback (a page elsewhere cannot reach it by DNS rebinding)
 */
@Validated
@ConfigurationProperties("kv.admin")
public record AdminProperties(@DefaultValue("http://127.0.0.1:8080") @NotNull URI gatewayUrl,
                              @DefaultValue("2s") @NotNull @DurationMin(millis = 1) Duration timeout,
                              @DefaultValue("") @NotNull String username,
                              @DefaultValue("") @NotNull String password,
                              @DefaultValue("1MB") @NotNull @DataSizeMin("0B") DataSize valueMax,
                              @DefaultValue("") @NotNull List<String> allowedHosts,
                              @DefaultValue("") @NotNull String gatewaySslBundle) {

    public AdminProperties {
        allowedHosts = allowedHosts.stream().map(String::strip).filter(h -> !h.isEmpty()).toList();
        if (username.isEmpty() != password.isEmpty()) {
            throw new IllegalArgumentException("set both kv.admin.username and kv.admin.password, or neither");
        }
    }

    public boolean loginRequired() {
        return !username.isEmpty();
    }
}
