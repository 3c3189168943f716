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
        Writer out = new Writer(64 * records.size() + 16);
        for (KeyedRecord keyed : records) {
            out.addEncoded(keyed.key(), RecordCodec.encode(keyed.record()));
        }
        return out.toByteArray();
    }

    /**
     * Builds a batch from records already in {@link RecordCodec}'s form (as stored), so a range scan can send them
     * without decoding; the count, which leads the batch, is known only at the end.
     */
    public static final class Writer {
        private final ByteWriter body;
        private int count;

        public Writer(int expectedBytes) {
            this.body = new ByteWriter(expectedBytes);
        }

        public void addEncoded(byte[] key, byte[] encodedRecord) {
            if (count == BATCH_RECORDS_MAX) {
                throw new IllegalStateException("a batch holds at most " + BATCH_RECORDS_MAX + " records");
            }
            body.writeBytes(key);
            body.writeBytes(encodedRecord);
            count++;
        }

        public byte[] toByteArray() {
            return body.toByteArrayBehind(count);
        }
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
