package dev.kv.gateway.auth;

import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Client authentication and roles on the gateway's public and admin APIs, off unless {@code enabled}. Each client has
 * an API key, which it sends as {@code Authorization: Bearer <key>}; the gateway holds only the key's SHA-256 (so the
 * configuration, a Kubernetes Secret, never holds a usable key), the client's roles and the key prefixes it may use.
 *
 * @param enabled whether every request to {@code /v1/**} and {@code /admin/**} needs a client's key
 * @param clients the clients
 */
@Validated
@ConfigurationProperties("kv.gateway.auth")
public record ClientAuthProperties(@DefaultValue("false") boolean enabled,
                                   @DefaultValue @NotNull List<Client> clients) {

    public ClientAuthProperties {
        clients = List.copyOf(clients);
        if (enabled && clients.isEmpty()) {
            throw new IllegalArgumentException("kv.gateway.auth.enabled=true needs at least one client "
                    + "(kv.gateway.auth.clients[0].name, .key-sha256, .roles, .prefixes)");
        }
        if (clients.stream().map(Client::name).distinct().count() < clients.size()) {
            throw new IllegalArgumentException("kv.gateway.auth.clients: two clients have the same name");
        }
    }

    /**
     * One client.
     *
     * @param name      who it is, in audit lines and metrics
     * @param keySha256 the SHA-256 of its API key, in hex ({@code printf %s "$KEY" | sha256sum})
     * @param roles     {@code read} (GET keys, the cluster view), {@code write} (PUT and DELETE keys), {@code admin}
     *                  (everything, the admin API included, on every key)
     * @param prefixes  the keys it may read or write, by prefix; none: every key
     */
    public record Client(String name, String keySha256, @DefaultValue List<String> roles,
                         @DefaultValue List<String> prefixes) {

        public Client {
            if (name == null || name.isBlank() || !name.matches("[A-Za-z0-9._@-]{1,64}")) {
                throw new IllegalArgumentException("kv.gateway.auth.clients[].name: 1 to 64 letters, digits or ._@-");
            }
            if (keySha256 == null || !keySha256.strip().matches("(?i)[0-9a-f]{64}")) {
                throw new IllegalArgumentException("kv.gateway.auth.clients[" + name + "].key-sha256: the API key's"
                        + " SHA-256 in hex (64 characters)");
            }
            keySha256 = keySha256.strip().toLowerCase(Locale.ROOT);
            roles = List.copyOf(roles);
            prefixes = List.copyOf(prefixes);
            for (String role : roles) {
                Role.parse(role);
            }
            if (roles.isEmpty()) {
                throw new IllegalArgumentException("kv.gateway.auth.clients[" + name + "].roles: at least one of "
                        + "read, write, admin");
            }
        }

        Set<Role> roleSet() {
            return roles.stream().map(Role::parse).collect(Collectors.toUnmodifiableSet());
        }
    }
}
