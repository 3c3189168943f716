package dev.kv.core.merkle;

/** A key with the digest of the version a replica holds ({@link RecordDigest}), as a Merkle exchange compares them. */
public record KeyDigest(byte[] key, long digest) {
}
