package dev.kv.gateway.auth;

import java.util.Locale;

/** What a client may do. */
public enum Role {
    /** GET keys within its prefixes, and the cluster view. */
    READ,
    /** PUT and DELETE keys within its prefixes. */
    WRITE,
    /** Everything, on every key, the admin API included. */
    ADMIN;

    static Role parse(String name) {
        try {
            return valueOf(name.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown role '" + name + "': read, write or admin");
        }
    }
}
