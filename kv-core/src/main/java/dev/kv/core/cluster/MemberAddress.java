package dev.kv.core.cluster;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The base URL of a cluster member, as gossip spreads it and as seeds configure it. Services call these addresses
 * with the cluster secret, so an address is accepted only in the plain form {@code http[s]://host:port[/]}: no user
 * information, no path beyond {@code /}, no query, no fragment. Anything else is refused where it enters (a gossip
 * message, a configured seed, a cluster view), never called.
 */
public final class MemberAddress {

    /** Node ids: what {@code kv.node.id} allows, so a gossiped id is as safe in a metric tag or a log as ours. */
    public static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    /**
     * An allowlist rather than a URL parser: scheme, a DNS name, IPv4 or bracketed IPv6 host, a port and at most a
     * trailing slash. There is no room for user information ({@code @}), a path, a query or a fragment.
     */
    private static final String LABEL = "[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?";
    private static final Pattern BASE_URL = Pattern.compile("(?<scheme>(?i:https?))://"
            + "(?<host>" + LABEL + "(?:\\." + LABEL + ")*|\\[[0-9A-Fa-f:.]{2,45}])"
            + ":(?<port>[0-9]{1,5})/?");

    /** Long enough for any DNS name (253) with scheme and port. */
    public static final int ADDRESS_CHARS_MAX = 300;

    private MemberAddress() {
    }

    /**
     * The address in its canonical form (no trailing slash).
     *
     * @throws IllegalArgumentException if it is not {@code http[s]://host:port[/]}
     */
    public static String validate(String address) {
        if (address == null || address.isEmpty() || address.length() > ADDRESS_CHARS_MAX) {
            throw invalid(address, "must be 1.." + ADDRESS_CHARS_MAX + " characters");
        }
        Matcher matcher = BASE_URL.matcher(address);
        if (!matcher.matches()) {
            throw invalid(address, "is not a plain base URL");
        }
        int port = Integer.parseInt(matcher.group("port"));
        if (port < 1 || port > 65535) {
            throw invalid(address, "has no valid port");
        }
        return matcher.group("scheme").toLowerCase(Locale.ROOT) + "://" + matcher.group("host") + ":" + port;
    }

    /** Whether {@link #validate} accepts the address. */
    public static boolean isValid(String address) {
        try {
            validate(address);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * @throws IllegalArgumentException if the id is not 1-64 of {@code [A-Za-z0-9._-]}
     */
    public static String validateNodeId(String nodeId) {
        if (nodeId == null || !NODE_ID.matcher(nodeId).matches()) {
            throw new IllegalArgumentException("node ids are 1-64 of [A-Za-z0-9._-]");
        }
        return nodeId;
    }

    private static IllegalArgumentException invalid(String address, String why) {
        String shown = address == null ? "null" : address.length() > 80 ? address.substring(0, 80) + "…" : address;
        return new IllegalArgumentException("member address '" + shown + "' " + why
                + " (expected http[s]://host:port)");
    }
}
