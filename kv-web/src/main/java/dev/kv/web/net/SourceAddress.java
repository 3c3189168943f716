package dev.kv.web.net;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * The local address this member's calls to other members leave from ({@code kv.cluster.source-address}): on a host
 * with several interfaces, the one the cluster's network is on. The fault tests give every process a loopback address
 * of its own (127.0.0.11, 127.0.0.12, ...), so the proxy in front of a node knows who is calling and can cut one link
 * of the cluster and leave the others.
 */
public final class SourceAddress {

    private static final SourceAddress NONE = new SourceAddress(null);

    private final InetAddress address;

    private SourceAddress(InetAddress address) {
        this.address = address;
    }

    /** The system's choice, as without the setting. */
    public static SourceAddress none() {
        return NONE;
    }

    /**
     * The address written as an IP literal; blank means {@link #none()}. Host names are refused: a name that resolves
     * differently later would move the member's calls to another interface without a word.
     */
    public static SourceAddress of(String literal) {
        if (literal == null || literal.isBlank()) {
            return NONE;
        }
        String trimmed = literal.strip();
        try {
            return new SourceAddress(InetAddress.ofLiteral(trimmed)); // parsed, never looked up
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("kv.cluster.source-address must be an IP address, not '" + trimmed
                    + "'", e);
        }
    }

    /** The address, or null for the system's choice. */
    public InetAddress address() {
        return address;
    }

    /** Where a socket binds before it connects (any port), or null for the system's choice. */
    public InetSocketAddress bindAddress() {
        return address == null ? null : new InetSocketAddress(address, 0);
    }

    @Override
    public String toString() {
        return address == null ? "(system's choice)" : address.getHostAddress();
    }
}
