package dev.kv.node.expiry;

import dev.kv.core.replica.PurgeClearance;
import dev.kv.core.ring.TokenRing;
import dev.kv.node.config.NodeProperties;
import dev.kv.node.gossip.RingView;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import java.util.List;
import java.util.function.Function;

/**
 * Asks kv-core's {@link PurgeClearance} whether a dead record past its grace may go, with the replicas of the range
 * the key belongs to in the current ring. A node that has not learned the ring yet purges nothing.
 */
@Component
public class PurgeGate {

    /** Purge candidates tracked at once: about 100 bytes each, so 10 MiB at most. */
    static final int MAX_WAITING = 100_000;

    private final PurgeClearance clearance;
    private final Function<byte[], String> rangeOf;
    private final String self;

    @Autowired
    PurgeGate(PurgeClearance clearance, RingView rings, NodeProperties node) {
        this(clearance, key -> {
            TokenRing ring = rings.ring();
            return ring.isEmpty() ? null : rings.rangeOf(ring, key);
        }, node.id());
    }

    /**
     * @param rangeOf the key's range, named by its replicas joined by '+', or null when the ring is not known
     */
    PurgeGate(PurgeClearance clearance, Function<byte[], String> rangeOf, String self) {
        this.clearance = clearance;
        this.rangeOf = rangeOf;
        this.self = self;
    }

    /** The gate of a node that is the only replica of every key (a one-node store): purges at the grace alone. */
    public static PurgeGate soleReplica(String self) {
        return new PurgeGate(new PurgeClearance(1), key -> self, self);
    }

    public boolean mayPurge(byte[] key) {
        String range = rangeOf.apply(key);
        if (range == null) {
            return false;
        }
        List<String> peers = RingView.replicasOf(range).stream().filter(id -> !id.equals(self)).toList();
        return clearance.cleared(key, range, peers);
    }

    public void passFinished() {
        clearance.passFinished();
    }

    public int waiting() {
        return clearance.waiting();
    }
}
