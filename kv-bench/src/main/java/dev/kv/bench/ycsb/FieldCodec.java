package dev.kv.bench.ycsb;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** A YCSB record's fields as one value: {@code count (name-utf8 length value-bytes)*}, lengths as ints. */
final class FieldCodec {

    private FieldCodec() {
    }

    static byte[] encode(Map<String, byte[]> fields) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(fields.size());
            for (Map.Entry<String, byte[]> field : fields.entrySet()) {
                out.writeUTF(field.getKey());
                out.writeInt(field.getValue().length);
                out.write(field.getValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static Map<String, byte[]> decode(byte[] value) {
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(value))) {
            int count = in.readInt();
            if (count < 0 || count > value.length) {
                throw new IllegalArgumentException("not a YCSB record: field count " + count);
            }
            Map<String, byte[]> fields = new LinkedHashMap<>();
            for (int i = 0; i < count; i++) {
                String name = in.readUTF();
                int length = in.readInt();
                if (length < 0 || length > value.length) {
                    throw new IllegalArgumentException("not a YCSB record: field length " + length);
                }
                fields.put(name, in.readNBytes(length));
            }
            return fields;
        } catch (IOException e) {
            throw new IllegalArgumentException("not a YCSB record: " + e.getMessage(), e);
        }
    }
}
