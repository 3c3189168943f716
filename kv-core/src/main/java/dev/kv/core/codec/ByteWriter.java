package dev.kv.core.codec;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A growable byte buffer with the primitives of the record format: varints, fixed longs, length-prefixed bytes. */
final class ByteWriter {

    private byte[] buffer;
    private int size;

    ByteWriter(int initialCapacity) {
        buffer = new byte[Math.max(16, initialCapacity)];
    }

    void writeByte(int b) {
        ensure(1);
        buffer[size++] = (byte) b;
    }

    void writeVarLong(long value) {
        ensure(10);
        while ((value & ~0x7FL) != 0) {
            buffer[size++] = (byte) ((value & 0x7F) | 0x80);
            value >>>= 7;
        }
        buffer[size++] = (byte) value;
    }

    void writeLong(long value) {
        ensure(8);
        for (int shift = 56; shift >= 0; shift -= 8) {
            buffer[size++] = (byte) (value >>> shift);
        }
    }

    void writeBytes(byte[] bytes) {
        writeVarLong(bytes.length);
        ensure(bytes.length);
        System.arraycopy(bytes, 0, buffer, size, bytes.length);
        size += bytes.length;
    }

    void writeString(String text) {
        writeBytes(text.getBytes(StandardCharsets.UTF_8));
    }

    /** The bytes written; the buffer itself when it is exactly full (the writer is not used afterwards). */
    byte[] toByteArray() {
        return size == buffer.length ? buffer : Arrays.copyOf(buffer, size);
    }

    /** The bytes written so far behind a varint {@code prefix}: for a count known only once the body is written. */
    byte[] toByteArrayBehind(long prefix) {
        ByteWriter head = new ByteWriter(10);
        head.writeVarLong(prefix);
        byte[] out = Arrays.copyOf(head.buffer, head.size + size);
        System.arraycopy(buffer, 0, out, head.size, size);
        return out;
    }

    private void ensure(int extra) {
        if (size + extra > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, size + extra));
        }
    }
}
