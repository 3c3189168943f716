package dev.kv.gateway.routing;

import dev.kv.core.cluster.MemberAddress;

import java.net.URI;

/**
 * A storage node as the gateway reaches it. The gateway calls it with the cluster secret, so only a plain
 * {@code http[s]://host:port/} is accepted ({@link MemberAddress}), whether configured or learned from a node.
 */
public record NodeAddress(String id, URI baseUri) {

    public NodeAddress {
        MemberAddress.validate(baseUri.toString());
    }

    /** Parses {@code id=http://host:port}. */
    public static NodeAddress parse(String spec) {
        int equals = spec.indexOf('=');
        if (equals < 1) {
            throw new IllegalArgumentException("node must be given as id=http://host:port, was '" + spec + "'");
        }
        String url = spec.substring(equals + 1).trim();
        return new NodeAddress(spec.substring(0, equals).trim(), URI.create(url.endsWith("/") ? url : url + "/"));
    }
}
