package dev.kv.web;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;
import java.util.List;

/**
 * How the members of a cluster (nodes, gateways, the dashboard) prove to each other that they are members: the
 * cluster secret ({@code security/ClusterSecretConfiguration}) and member TLS ({@code tls/MemberTlsConfiguration}).
 *
 * @param secret               the secret's values, separated by commas or line breaks, the first one sent; empty: no
 *                             secret (loopback development). Never printed: {@link #toString()} leaves it out
 * @param secretFile           a file holding the secret instead, read again every {@code secretReloadInterval} so a
 *                             rotation needs no restart (a mounted Kubernetes Secret); setting both is refused, since
 *                             it would be unclear which one a rotation has to change
 * @param secretReloadInterval how often {@code secretFile} is read again
 * @param tls                  member TLS
 * @param sourceAddress        the local IP address calls to other members leave from; empty: the system's choice
 *                             (see {@code net/SourceAddress})
 */
@Validated
@ConfigurationProperties("kv.cluster")
public record ClusterProperties(
        @DefaultValue("") @NotNull String secret,
        @DefaultValue("") @NotNull String secretFile,
        @DefaultValue("1s") @NotNull @DurationMin(millis = 1) Duration secretReloadInterval,
        @DefaultValue @NotNull @Valid Tls tls,
        @DefaultValue("") @NotNull String sourceAddress) {

    public ClusterProperties {
        if (secret != null && secretFile != null && !secret.isBlank() && !secretFile.isBlank()) {
            throw new IllegalArgumentException("set kv.cluster.secret or kv.cluster.secret-file, not both "
                    + "(KV_CLUSTER_SECRET / KV_CLUSTER_SECRET_FILE)");
        }
    }

    /** The settings without the secret's value, which must not reach a log. */
    @Override
    public String toString() {
        return "ClusterProperties[secret=" + (secret == null || secret.isBlank() ? "(none)" : "(set)")
                + ", secretFile=" + secretFile + ", secretReloadInterval=" + secretReloadInterval + ", tls=" + tls
                + ", sourceAddress=" + sourceAddress + "]";
    }

    /**
     * Mutual TLS between members.
     *
     * @param bundle            the SSL bundle ({@code spring.ssl.bundle.*}) holding this member's certificate and the
     *                          cluster CA; empty: member TLS off. A bundle with {@code reload-on-update: true} is taken
     *                          again when its files change
     * @param allowedIdentities the certificate identities admitted as members (patterns, see
     *                          {@code tls/AllowedIdentities}); none: every certificate the cluster CA signed
     */
    public record Tls(@DefaultValue("") @NotNull String bundle, @DefaultValue List<String> allowedIdentities) {

        public Tls {
            allowedIdentities = allowedIdentities == null ? List.of() : List.copyOf(allowedIdentities);
        }
    }
}
