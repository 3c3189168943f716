package dev.kv.gateway.support;

import dev.kv.core.codec.RecordCodec;
import dev.kv.core.record.ConflictMode;
import dev.kv.core.record.Mutation;
import dev.kv.core.record.Record;
import dev.kv.core.record.Sibling;
import dev.kv.core.record.Versioning;
import dev.kv.core.version.HybridLogicalClock;

import java.nio.charset.StandardCharsets;

/** Replica records built the way a coordinator node builds them (dotted version vectors), for stub answers. */
public final class Versions {

    public static final Versioning VERSIONING = ConflictMode.VECTOR_CLOCK.versioning();

    private Versions() {
    }

    /** A text/plain write of {@code value} coordinated by {@code actor} on top of {@code local}. */
    public static Record put(Record local, String value, String actor) {
        long now = System.currentTimeMillis();
        return VERSIONING.write(local, Mutation.put(value.getBytes(StandardCharsets.UTF_8), "text/plain",
                Sibling.NO_EXPIRY, null), actor, HybridLogicalClock.pack(now, 0), now);
    }

    /** A delete (tombstone) coordinated by {@code actor} on top of {@code local}. */
    public static Record delete(Record local, String actor) {
        long now = System.currentTimeMillis();
        return VERSIONING.write(local, Mutation.delete(null), actor, HybridLogicalClock.pack(now, 0), now);
    }

    public static Record merge(Record a, Record b) {
        return VERSIONING.merge(a, b);
    }

    /** The X-KV-Context a client receives for the record. */
    public static String context(Record record) {
        return RecordCodec.contextToken(record.clock());
    }
}
