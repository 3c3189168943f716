package dev.kv.core.codec;

import dev.kv.core.Limits;
import dev.kv.core.record.Record;

import java.util.ArrayList;
import java.util.List;

/**
 * Many keyed records in one binary body (anti-entropy pushes and pulls, range streaming):
 * {@code count(varint) (key(bytes) record(bytes))*}, each record in {@link RecordCodec}'s form.
 */
public final class RecordBatchCodec {

    /** A record with its key. */
    public record KeyedRecord(byte[] key, Record record) {
    }

    public static final int BATCH_RECORDS_MAX = 10_000;

    private RecordBatchCodec() {
    }

    public static byte[] encode(List<KeyedRecord> records) {
        ByteWriter out = new ByteWriter(64 * records.size() + 16);
        out.writeVarLong(records.size());
        for (KeyedRecord keyed : records) {
            out.writeBytes(keyed.key());
            out.writeBytes(RecordCodec.encode(keyed.record()));
        }
        return out.toByteArray();
    }

    public static List<KeyedRecord> decode(byte[] bytes) {
        ByteReader in = new ByteReader(bytes);
        int count = in.readLength(BATCH_RECORDS_MAX, "batch size");
        List<KeyedRecord> result = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            byte[] key = in.readBytes(Limits.KEY_BYTES_MAX, "key");
            if (key.length == 0) {
                throw new CorruptDataException("empty key in batch");
            }
            result.add(new KeyedRecord(key, RecordCodec.decode(in.readBytes(Limits.VALUE_BYTES_HARD_MAX * 2,
                    "record"))));
        }
        in.expectEnd();
        return result;
    }
}
