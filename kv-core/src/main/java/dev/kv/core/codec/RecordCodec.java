package dev.kv.core.codec;

import dev.kv.core.Limits;
import dev.kv.core.record.Record;
import dev.kv.core.record.Sibling;
import dev.kv.core.version.Dot;
import dev.kv.core.version.VersionVector;
import dev.kv.core.version.WriteIds;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The binary form of records and contexts, used on disk and between services (values never travel as base64 JSON
 * inside the cluster).
 *
 * <pre>
 * record  := FORMAT(1 byte) clock siblingCount(varint) sibling*
 * clock   := entryCount(varint) (actor(string) counter(varint) updatedAtMillis(varint))*
 * sibling := actorIndex(varint, into the clock) counter(varint) timestamp(8 bytes) expiresAtMillis(varint)
 *            flags(1 byte: bit 0 tombstone, bit 1 write id follows) [writeId(8 bytes)] contentType(string) value(bytes)
 * </pre>
 *
 * Validation is paired: a record is checked by its constructor before it is encoded, and every bound is checked
 * again when bytes are decoded, so neither a bug nor a corrupt disk block can smuggle an invalid record through.
 */
public final class RecordCodec {

    private static final int FORMAT = 1;
    private static final int CONTEXT_FORMAT = 1;
    private static final int FLAG_TOMBSTONE = 1;
    private static final int FLAG_WRITE_ID = 2;
    private static final int FLAGS_KNOWN = FLAG_TOMBSTONE | FLAG_WRITE_ID;
    private static final int SIBLINGS_DECODED_MAX = Limits.SIBLINGS_MAX * 2;

    private RecordCodec() {
    }

    /**
     * The record as bytes.
     *
     * @throws CorruptDataException if {@link #decode} would refuse the bytes (a content type, value, clock or sibling
     *                              count above its limit), so such a record fails before it is stored, not after
     */
    public static byte[] encode(Record record) {
        checkDecodable(record);
        int valueBytes = 0;
        for (Sibling sibling : record.siblings()) {
            valueBytes += sibling.value().length;
        }
        ByteWriter out = new ByteWriter(64 + valueBytes + 48 * record.siblings().size());
        out.writeByte(FORMAT);
        List<VersionVector.Entry> entries = record.clock().entries();
        writeClock(out, entries);
        Map<String, Integer> actorIndex = new HashMap<>();
        for (int i = 0; i < entries.size(); i++) {
            actorIndex.put(entries.get(i).actor(), i);
        }
        out.writeVarLong(record.siblings().size());
        for (Sibling sibling : record.siblings()) {
            out.writeVarLong(actorIndex.get(sibling.dot().actor()));
            out.writeVarLong(sibling.dot().counter());
            out.writeLong(sibling.timestamp());
            out.writeVarLong(sibling.expiresAtMillis());
            boolean hasWriteId = sibling.writeId() != WriteIds.NONE;
            out.writeByte((sibling.tombstone() ? FLAG_TOMBSTONE : 0) | (hasWriteId ? FLAG_WRITE_ID : 0));
            if (hasWriteId) {
                out.writeLong(sibling.writeId());
            }
            out.writeString(sibling.contentType());
            out.writeBytes(sibling.value());
        }
        return out.toByteArray();
    }

    public static Record decode(byte[] bytes) {
        ByteReader in = new ByteReader(bytes);
        int format = in.readByte();
        if (format != FORMAT) {
            throw new CorruptDataException("unknown record format " + format);
        }
        List<VersionVector.Entry> entries = readClock(in);
        int count = in.readLength(SIBLINGS_DECODED_MAX, "sibling count");
        List<Sibling> siblings = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int actor = in.readLength(entries.size() - 1, "actor index");
            long counter = in.readVarLong();
            long timestamp = in.readLong();
            long expiresAt = in.readVarLong();
            int flags = in.readByte();
            if ((flags & ~FLAGS_KNOWN) != 0) {
                throw new CorruptDataException("unknown sibling flags " + flags);
            }
            long writeId = (flags & FLAG_WRITE_ID) != 0 ? in.readLong() : WriteIds.NONE;
            String contentType = in.readString(Limits.CONTENT_TYPE_BYTES_MAX, "content type");
            byte[] value = in.readBytes(Limits.VALUE_BYTES_HARD_MAX, "value");
            siblings.add(construct(() -> new Sibling(new Dot(entries.get(actor).actor(), counter), timestamp,
                    expiresAt, (flags & FLAG_TOMBSTONE) != 0, contentType, value, writeId)));
        }
        in.expectEnd();
        return construct(() -> new Record(VersionVector.of(entries), siblings));
    }

    /** A causal context (the clock a client received with a read) as bytes. */
    public static byte[] encodeContext(VersionVector context) {
        ByteWriter out = new ByteWriter(16 + 24 * context.size());
        out.writeByte(CONTEXT_FORMAT);
        writeClock(out, context.entries());
        return out.toByteArray();
    }

    public static VersionVector decodeContext(byte[] bytes) {
        ByteReader in = new ByteReader(bytes);
        int format = in.readByte();
        if (format != CONTEXT_FORMAT) {
            throw new CorruptDataException("unknown context format " + format);
        }
        List<VersionVector.Entry> entries = readClock(in);
        in.expectEnd();
        return construct(() -> VersionVector.of(entries));
    }

    /** The context as the opaque, header-safe token clients see in {@code X-KV-Context}. */
    public static String contextToken(VersionVector context) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(encodeContext(context));
    }

    public static VersionVector parseContextToken(String token) {
        try {
            return decodeContext(Base64.getUrlDecoder().decode(token.trim()));
        } catch (IllegalArgumentException e) {
            throw e instanceof CorruptDataException c ? c : new CorruptDataException("context is not base64url", e);
        }
    }

    /** The encoding half of the paired validation: the bounds that {@link #decode} checks, checked before writing. */
    private static void checkDecodable(Record record) {
        if (record.siblings().size() > SIBLINGS_DECODED_MAX) {
            throw new CorruptDataException("cannot encode: sibling count of " + record.siblings().size()
                    + " exceeds the limit of " + SIBLINGS_DECODED_MAX);
        }
        for (Sibling sibling : record.siblings()) {
            int typeBytes = sibling.contentType().getBytes(StandardCharsets.UTF_8).length;
            if (typeBytes > Limits.CONTENT_TYPE_BYTES_MAX) {
                throw new CorruptDataException("cannot encode: content type of " + typeBytes
                        + " bytes exceeds the limit of " + Limits.CONTENT_TYPE_BYTES_MAX);
            }
            if (sibling.value().length > Limits.VALUE_BYTES_HARD_MAX) {
                throw new CorruptDataException("cannot encode: value of " + sibling.value().length
                        + " bytes exceeds the limit of " + Limits.VALUE_BYTES_HARD_MAX);
            }
        }
    }

    private static void writeClock(ByteWriter out, List<VersionVector.Entry> entries) {
        if (entries.size() > Limits.CLOCK_ENTRIES_HARD_MAX) {
            throw new CorruptDataException("cannot encode: clock entry count of " + entries.size()
                    + " exceeds the limit of " + Limits.CLOCK_ENTRIES_HARD_MAX);
        }
        out.writeVarLong(entries.size());
        for (VersionVector.Entry entry : entries) {
            out.writeString(entry.actor());
            out.writeVarLong(entry.counter());
            out.writeVarLong(entry.updatedAtMillis());
        }
    }

    private static List<VersionVector.Entry> readClock(ByteReader in) {
        int count = in.readLength(Limits.CLOCK_ENTRIES_HARD_MAX, "clock entry count");
        List<VersionVector.Entry> entries = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String actor = in.readString(Limits.ACTOR_BYTES_MAX, "actor");
            long counter = in.readVarLong();
            long updatedAt = in.readVarLong();
            if (i > 0 && entries.get(i - 1).actor().compareTo(actor) >= 0) {
                throw new CorruptDataException("clock entries out of order");
            }
            entries.add(new VersionVector.Entry(actor, counter, updatedAt));
        }
        return entries;
    }

    private static <T> T construct(java.util.function.Supplier<T> constructor) {
        try {
            return constructor.get();
        } catch (CorruptDataException e) {
            throw e;
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new CorruptDataException("invalid content: " + e.getMessage(), e);
        }
    }
}
