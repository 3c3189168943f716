package dev.kv.sim;

import dev.kv.core.quorum.QuorumSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Every client operation of a run: what was asked, when, how it ended, and what a read saw. */
final class History {

    enum Kind { APPEND, PUT, DELETE, READ }

    /** Ok: acknowledged. Failed: refused by a replica (not applied). Unknown: may or may not have been applied. */
    enum Status { OK, FAILED, UNKNOWN }

    /**
     * One operation.
     *
     * @param element  what an append added or a put wrote
     * @param deleted  the values a delete removed (those its read saw)
     * @param seen     the values a read returned
     * @param ttlMillis a put's time to live, 0 for none
     */
    record Op(int client, Kind kind, String key, String element, Set<String> deleted, QuorumSpec spec,
              long invokedAt, long completedAt, Status status, Set<String> seen, long ttlMillis) {

        boolean ok() {
            return status == Status.OK;
        }

        /**
         * Whether a write was acknowledged by at least two replicas' own copies, so one lost disk cannot lose it. A
         * sloppy write may count a hint instead, and a hint lives only for the hint window: after a disk loss it is
         * not promised.
         */
        boolean survivesOneLostDisk() {
            return spec.w() >= 2 && !spec.sloppy();
        }
    }

    private final List<Op> ops = new ArrayList<>();

    void add(Op op) {
        ops.add(op);
    }

    List<Op> ops() {
        return ops;
    }

    long count(Status status) {
        return ops.stream().filter(op -> op.status() == status).count();
    }
}
