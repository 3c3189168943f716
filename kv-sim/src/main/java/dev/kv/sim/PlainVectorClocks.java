package dev.kv.sim;

import dev.kv.core.record.Mutation;
import dev.kv.core.record.Record;
import dev.kv.core.record.Versioning;

/**
 * {@link Bug#PLAIN_VECTOR_CLOCKS}: versions as a plain per-node vector clock. The coordinator's new version descends
 * from its own clock merged with the client's, so it supersedes every sibling the coordinator holds, including a
 * concurrent write whose context the client never saw: Riak's lost-sibling bug that dotted version vectors fixed.
 */
final class PlainVectorClocks implements Versioning {

    private final Versioning dotted;

    PlainVectorClocks(Versioning dotted) {
        this.dotted = dotted;
    }

    @Override
    public Record write(Record local, Mutation mutation, String actor, long timestamp, long nowMillis,
                        long counterFloor) {
        var context = mutation.context() == null ? local.clock() : local.clock().merge(mutation.context());
        Mutation asIfSeenEverything = new Mutation(mutation.value(), mutation.contentType(),
                mutation.expiresAtMillis(), mutation.delete(), context, mutation.writeId(), mutation.reattempt());
        return dotted.write(local, asIfSeenEverything, actor, timestamp, nowMillis, counterFloor);
    }

    @Override
    public Record merge(Record a, Record b) {
        return dotted.merge(a, b);
    }
}
