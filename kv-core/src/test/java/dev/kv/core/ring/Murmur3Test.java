package dev.kv.core.ring;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

class Murmur3Test {

    /**
     * Every gateway and node must place a key on the same token forever, so the hash is pinned to reference values:
     * the first 64 bits (little-endian) of MurmurHash3_x64_128 with seed 0, as computed by Guava's
     * {@code Hashing.murmur3_128()} (the function behind Cassandra's Murmur3Partitioner). The inputs cover the empty
     * tail, tails shorter and longer than 8 bytes, and exact and overlong 16-byte blocks.
     */
    @ParameterizedTest(name = "\"{0}\"")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            ""                                            | 0x0000000000000000
            a                                             | 0x85555565f6597889
            hello                                         | 0xcbd8a7b341bd9b02
            n1#0                                          | 0x9a9fe2abe255f7b9
            kv-node-0#255                                 | 0x4d50be0b88574ca8
            The quick brown fox jumps over the lazy dog   | 0xe34bbc7bbc071b6c
            users/42/cart                                 | 0x9b4b201f4b3b96d4
            0123456789abcdef                              | 0x4be06d94cf4ad1a7
            0123456789abcdef0                             | 0xeb24ae8785a5c075
            """)
    void hashMatchesTheReferenceMurmur3x64(String input, String expectedHex) {
        long expected = Long.parseUnsignedLong(expectedHex.substring(2), 16);
        assertThat(Murmur3.hash64(input.getBytes(StandardCharsets.UTF_8))).isEqualTo(expected);
    }

    @Test
    void hashingASliceEqualsHashingACopyOfIt() {
        byte[] data = "xxThe quick brown fox jumps over the lazy dogyy".getBytes(StandardCharsets.UTF_8);
        byte[] slice = Arrays.copyOfRange(data, 2, data.length - 2);
        assertThat(Murmur3.hash64(data, 2, slice.length, 0)).isEqualTo(Murmur3.hash64(slice));
        assertThat(Murmur3.hash64(data, 2, slice.length, 1)).isNotEqualTo(Murmur3.hash64(slice));
    }
}
