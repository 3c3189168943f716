package dev.kv.gateway.api;

import dev.kv.core.codec.RecordCodec;
import dev.kv.core.contract.Headers;
import dev.kv.core.record.Record;
import dev.kv.core.record.Sibling;
import dev.kv.core.ring.Murmur3;
import dev.kv.core.version.HybridLogicalClock;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

/** How versions appear to clients: contexts, entity tags and envelopes (the header names are {@link Headers}'). */
final class VersionHeaders {

    private VersionHeaders() {
    }

    static String context(Record record) {
        return RecordCodec.contextToken(record.clock());
    }

    /** A strong entity tag naming exactly the given versions (by their dots). */
    static String etag(List<Sibling> versions) {
        StringBuilder dots = new StringBuilder();
        for (Sibling sibling : versions) {
            dots.append(sibling.dot()).append(';');
        }
        long hash = Murmur3.hash64(dots.toString().getBytes(StandardCharsets.UTF_8));
        return "\"" + Long.toHexString(hash) + "\"";
    }

    static ValueEnvelope envelope(String key, Record record, List<Sibling> live) {
        List<ValueEnvelope.SiblingView> views = live.stream().map(VersionHeaders::view).toList();
        Sibling single = live.size() == 1 ? live.getFirst() : null;
        return new ValueEnvelope(key, context(record), etag(live),
                single == null ? null : Base64.getEncoder().encodeToString(single.value()),
                single == null ? null : single.contentType(),
                single == null || !single.hasExpiry() ? null : Instant.ofEpochMilli(single.expiresAtMillis()),
                views);
    }

    private static ValueEnvelope.SiblingView view(Sibling sibling) {
        return new ValueEnvelope.SiblingView(Base64.getEncoder().encodeToString(sibling.value()),
                sibling.contentType(), etag(List.of(sibling)),
                sibling.hasExpiry() ? Instant.ofEpochMilli(sibling.expiresAtMillis()) : null,
                Instant.ofEpochMilli(HybridLogicalClock.physicalMillis(sibling.timestamp())),
                sibling.dot().actor());
    }
}
