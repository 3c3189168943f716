package dev.kv.gateway.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The configured clients by the SHA-256 of their API keys. A presented key is hashed and looked up: the gateway holds
 * no usable key, and a lookup by digest says nothing about how close a wrong key came.
 */
public final class ApiKeys {

    /** The header and scheme a client sends its key in. */
    public static final String BEARER = "Bearer ";

    private final Map<String, ApiClient> byDigest;

    public ApiKeys(ClientAuthProperties properties) {
        this.byDigest = properties.clients().stream().collect(Collectors.toUnmodifiableMap(
                ClientAuthProperties.Client::keySha256,
                client -> new ApiClient(client.name(), client.roleSet(), client.prefixes()),
                (a, b) -> {
                    throw new IllegalArgumentException("kv.gateway.auth.clients: " + a.name() + " and " + b.name()
                            + " have the same key");
                }));
    }

    /** The client whose key is in {@code authorization} ({@code Bearer <key>}); empty for none or an unknown key. */
    public Optional<ApiClient> authenticate(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return Optional.empty();
        }
        String key = authorization.substring(BEARER.length()).strip();
        return key.isEmpty() ? Optional.empty() : Optional.ofNullable(byDigest.get(sha256(key)));
    }

    static String sha256(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return "ApiKeys[" + byDigest.size() + " clients]";
    }
}
