package dev.kv.node.antientropy;

import java.util.List;

/** JSON bodies of the Merkle exchange; records themselves travel in the binary batch codec. */
final class MerkleMessages {

    private MerkleMessages() {
    }

    /** Ask for the children of {@code nodes} at {@code level} of {@code range}'s tree. */
    record ChildrenRequest(String range, int level, int[] nodes) {
    }

    /** {@code known} is false when the answering node has no such range (its ring differs). */
    record ChildrenResponse(boolean known, long[] hashes) {
    }

    record DigestsRequest(String range, int[] leaves) {
    }

    /** Keys base64url, digests in the same order. */
    record DigestsResponse(List<String> keys, long[] digests) {
    }

    record PullRequest(List<String> keys) {
    }
}
