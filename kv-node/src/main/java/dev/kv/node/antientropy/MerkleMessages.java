package dev.kv.node.antientropy;

import java.nio.ByteBuffer;
import java.util.List;

/** JSON bodies of the Merkle exchange; key digests and records travel in binary codecs. */
final class MerkleMessages {

    private MerkleMessages() {
    }

    /** Ask for the children of {@code nodes} at {@code level} of {@code range}'s tree. */
    record ChildrenRequest(String range, int level, int[] nodes) {
    }

    /**
     * {@code known} is false when the answering node has no such range (its ring differs). The hashes are packed as
     * 8 big-endian bytes each (base64 in JSON: about half the size of decimal longs).
     */
    record ChildrenResponse(boolean known, byte[] hashes) {

        static ChildrenResponse of(long[] hashes) {
            ByteBuffer packed = ByteBuffer.allocate(hashes.length * Long.BYTES);
            packed.asLongBuffer().put(hashes);
            return new ChildrenResponse(true, packed.array());
        }

        long[] unpacked() {
            long[] result = new long[hashes.length / Long.BYTES];
            ByteBuffer.wrap(hashes).asLongBuffer().get(result);
            return result;
        }
    }

    record DigestsRequest(String range, int[] leaves) {
    }

    record PullRequest(List<String> keys) {
    }
}
