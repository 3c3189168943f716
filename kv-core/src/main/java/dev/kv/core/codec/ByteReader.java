package dev.kv.core.codec;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Reads what {@link ByteWriter} wrote, refusing truncated input and lengths above the caller's bound. */
final class ByteReader {

    private final byte[] data;
    private int position;

    ByteReader(byte[] data) {
        this.data = data;
    }

    int readByte() {
        require(1);
        return data[position++] & 0xff;
    }

    long readVarLong() {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = readByte();
            result |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return result;
            }
        }
        throw new CorruptDataException("varint longer than 10 bytes");
    }

    int readLength(int max, String what) {
        long length = readVarLong();
        if (length < 0 || length > max) {
            throw new CorruptDataException(what + " of " + length + " exceeds the limit of " + max);
        }
        return (int) length;
    }

    long readLong() {
        require(8);
        long value = 0;
        for (int i = 0; i < 8; i++) {
            value = value << 8 | (data[position++] & 0xff);
        }
        return value;
    }

    byte[] readBytes(int max, String what) {
        int length = readLength(max, what);
        require(length);
        byte[] result = Arrays.copyOfRange(data, position, position + length);
        position += length;
        return result;
    }

    String readString(int maxBytes, String what) {
        byte[] bytes = readBytes(maxBytes, what);
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new CorruptDataException(what + " is not valid UTF-8", e);
        }
    }

    void expectEnd() {
        if (position != data.length) {
            throw new CorruptDataException((data.length - position) + " trailing bytes");
        }
    }

    private void require(int count) {
        if (count < 0 || position + count > data.length) {
            throw new CorruptDataException("truncated: needed " + count + " more bytes at offset " + position);
        }
    }
}
