package dev.kv.node.streaming;

import dev.kv.core.placement.TopologyMessage;

import java.util.List;

/**
 * One chunk of a group of token ranges asked of a source: the ranges a member gains that share their sources, read
 * in order as one stream.
 *
 * @param topology the topology the receiver streams for; the source adopts it first when it is newer, and refuses
 *                 with its own when that is newer
 * @param ranges   the ranges as {@code [startExclusive, endInclusive]} token pairs, in the order to read them
 * @param from     where to continue: {@code index:base64url storage key} (after that key of that range) or
 *                 {@code index:} (from that range's start)
 * @param to       where to stop, inclusive, in the same form; null to stop after about {@code maxBytes}
 * @param maxBytes about how much to answer
 * @param held     for records: base64 of the key digests of what the receiver holds in the span (up to {@code to});
 *                 those versions are not sent again. Null for none
 */
record StreamRequest(TopologyMessage topology, List<long[]> ranges, String from, String to, int maxBytes,
                     String held) {
}
