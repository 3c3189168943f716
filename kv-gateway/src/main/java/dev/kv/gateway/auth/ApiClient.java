package dev.kv.gateway.auth;

import java.util.List;
import java.util.Set;

/** An authenticated client: its name, roles and the key prefixes it may use (none: every key). */
public record ApiClient(String name, Set<Role> roles, List<String> prefixes) {

    /** Whether it may do what {@code needed} allows on {@code key}; an admin may do everything on every key. */
    public boolean may(Role needed, String key) {
        if (roles.contains(Role.ADMIN)) {
            return true;
        }
        if (!roles.contains(needed)) {
            return false;
        }
        return key == null || prefixes.isEmpty() || prefixes.stream().anyMatch(key::startsWith);
    }
}
