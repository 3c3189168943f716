package dev.kv.core.contract;

import dev.kv.core.version.WriteIds;

/**
 * Every header name of our own that a service sends or reads, on the public API and between members, in one place:
 * a name typed again in each module drifts apart unnoticed, while a renamed constant changes every sender and reader
 * together. All are compile-time constants, usable in annotations.
 */
public final class Headers {

    /** The shared cluster secret: the credential of {@code /internal/**} and {@code /admin/**} on every service. */
    public static final String CLUSTER_SECRET = "X-KV-Cluster-Secret";

    /** The causal context token of a read, sent back with the next write (public API and coordinate calls). */
    public static final String CONTEXT = "X-KV-Context";

    /** The client's content type of a value, as the gateway passes it to a coordinator on the internal API. */
    public static final String CONTENT_TYPE = "X-KV-Content-Type";

    /** The topology version a request was routed with, so a node can fence requests routed with another view. */
    public static final String TOPOLOGY = "X-KV-Topology";

    /** The id of a client write, the same for each coordinator attempt ({@link WriteIds#format}, 16 hex digits). */
    public static final String WRITE_ID = "X-KV-Write-Id";

    /** The deadline of a coordinator attempt, epoch milliseconds on the gateway's clock: not applied after it. */
    public static final String DEADLINE = "X-KV-Deadline";

    /** {@code true} on a coordinator re-attempt of a write whose earlier attempt may have been applied. */
    public static final String REATTEMPT = "X-KV-Reattempt";

    /** The cursor to continue a range stream from; absent when the stream has reached its end. */
    public static final String STREAM_NEXT = "X-KV-Stream-Next";

    /** When a value expires (ISO-8601), on a read of the public API. */
    public static final String EXPIRES_AT = "X-KV-Expires-At";

    /** How many concurrent versions a read found, when more than one (public API). */
    public static final String SIBLINGS = "X-KV-Siblings";

    private Headers() {
    }
}
