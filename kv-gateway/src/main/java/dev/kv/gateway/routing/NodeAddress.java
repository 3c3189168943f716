package dev.kv.gateway.routing;

import java.net.URI;

/** A storage node as the gateway reaches it. */
public record NodeAddress(String id, URI baseUri) {

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
