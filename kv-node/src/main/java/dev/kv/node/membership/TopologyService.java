package dev.kv.node.membership;

import dev.kv.core.placement.Adoption;
import dev.kv.core.placement.MemberState;
import dev.kv.core.placement.TokenRange;
import dev.kv.core.placement.Topology;
import dev.kv.core.placement.TopologyMessage;
import dev.kv.node.config.NodeProperties;
import dev.kv.node.gossip.GossipProperties;
import dev.kv.node.storage.RecordStore;
import dev.kv.node.storage.RocksStorage;
import dev.kv.node.storage.StorageKeys;
import dev.kv.web.runtime.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The ring's members and their states as this node knows them (kv-core {@link Topology}): learned from gossip and
 * from pushed changes, adopted only when newer, stored so a restart keeps it.
 *
 * <p>Adopting a topology in which this node gains token ranges first drops whatever it still holds in them, under
 * every key lock: such data is left over from an earlier ownership or from a join that lost to another, and a key
 * deleted (and purged) since would otherwise come back once the node serves the range again. The node refuses
 * requests stamped with a newer topology than its own ({@link TopologyFence}), so no write of the new topology can
 * arrive before the drop. Adopting a topology in which this node has left or was removed drops all its data.
 */
@Component
public class TopologyService {

    private static final Logger log = LoggerFactory.getLogger(TopologyService.class);
    private static final String META_KEY = "topology";
    private static final JsonMapper JSON = Json.mapper();

    private final String localId;
    private final RocksStorage storage;
    private final RecordStore store;
    private final int virtualNodes;
    private final int replicationFactor;
    private final List<Consumer<Topology>> listeners = new CopyOnWriteArrayList<>();
    private volatile Topology topology;
    private volatile boolean leftWhileRunning;

    TopologyService(NodeProperties node, MembershipProperties properties, GossipProperties gossip,
                    RocksStorage storage, RecordStore store, RingProperties ring) {
        this.localId = node.id();
        this.storage = storage;
        this.store = store;
        this.virtualNodes = ring.virtualNodes();
        this.replicationFactor = ring.replicationFactor();
        Topology stored = load();
        boolean startedGone = stored != null && stored.state(localId) != null && stored.state(localId).isGone();
        if (startedGone) {
            log.warn("membership: this data directory belongs to member {} which {} the ring ({}); its data is"
                    + " dropped and the node joins anew, empty", localId,
                    stored.state(localId) == MemberState.LEFT ? "left" : "was removed from", stored.version());
            dropEverything();
            this.topology = stored;
        } else if (stored != null) {
            this.topology = stored;
            log.info("membership: stored topology {}", stored);
        } else if (properties.initialMembers().contains(localId)) {
            this.topology = Topology.of(properties.initialMembers(), virtualNodes, replicationFactor);
            store(topology);
            log.info("membership: forming the first ring with {}", properties.initialMembers());
        } else if (properties.initialMembers().isEmpty() && gossip.seeds().isEmpty()) {
            this.topology = Topology.of(List.of(localId), virtualNodes, replicationFactor);
            log.info("membership: no seeds and no initial members, running alone");
        } else {
            log.info("membership: not an initial member; waiting to learn the ring from the seeds {}",
                    gossip.seeds());
        }
    }

    public String localId() {
        return localId;
    }

    /** The topology, or empty while this node has not learned one yet. */
    public Optional<Topology> current() {
        return Optional.ofNullable(topology);
    }

    /** This node's state, or empty when it is not a member (yet). */
    public Optional<MemberState> localState() {
        Topology known = topology;
        return known == null ? Optional.empty() : Optional.ofNullable(known.state(localId));
    }

    /**
     * Whether this node learned, while this process ran, that its decommission completed (see {@link Adoption}): it
     * serves nothing until it is restarted.
     */
    public boolean leftWhileRunning() {
        return leftWhileRunning;
    }

    public int virtualNodes() {
        return virtualNodes;
    }

    public int replicationFactor() {
        return replicationFactor;
    }

    public void onChange(Consumer<Topology> listener) {
        listeners.add(listener);
    }

    /** Adopts {@code message} if it is newer than what this node holds; malformed ones are ignored. */
    public boolean adopt(TopologyMessage message) {
        if (message == null) {
            return false;
        }
        Topology incoming;
        try {
            incoming = message.toTopology(virtualNodes, replicationFactor);
        } catch (RuntimeException e) {
            log.warn("membership: ignoring a malformed topology: {}", e.getMessage());
            return false;
        }
        return adopt(incoming);
    }

    /** Adopts {@code incoming} if it supersedes the topology this node holds. */
    public boolean adopt(Topology incoming) {
        Topology before;
        synchronized (this) {
            before = topology;
            Adoption adoption = Adoption.decide(before, incoming, localId);
            if (!adoption.adopt()) {
                return false;
            }
            if (adoption.dropAll()) {
                leftWhileRunning = adoption.staysOut();
                dropEverything();
                log.warn("membership: {} {} in {}: its data is dropped; {}", localId,
                        incoming.state(localId) == MemberState.LEFT ? "has left" : "was removed", incoming.version(),
                        leftWhileRunning ? "it serves nothing from now on (stop this process)"
                                : "it joins anew, empty");
            } else {
                dropRanges(adoption.dropRanges(), incoming);
            }
            store(incoming);
            topology = incoming;
        }
        log.info("membership: adopted {} (was {})", incoming, before == null ? "none" : before.version());
        for (Consumer<Topology> listener : listeners) {
            try {
                listener.accept(incoming);
            } catch (RuntimeException e) {
                log.warn("membership: a topology listener failed: {}", e.toString());
            }
        }
        return true;
    }

    /**
     * Applies a change to the topology this node holds and adopts the result (the caller pushes it to the others).
     *
     * @throws dev.kv.core.placement.TopologyChangeRefusedException when the change is not allowed now
     * @throws IllegalStateException                                before this node knows the ring
     */
    public synchronized Topology propose(UnaryOperator<Topology> change) {
        Topology known = topology;
        if (known == null) {
            throw new IllegalStateException("this node has not learned the ring yet");
        }
        Topology next = change.apply(known);
        adopt(next);
        return next;
    }

    private void dropRanges(List<TokenRange> gained, Topology incoming) {
        if (gained.isEmpty()) {
            return;
        }
        store.withAllKeysLocked(() -> {
            for (TokenRange range : gained) {
                for (byte[][] span : StorageKeys.spans(range)) {
                    storage.deleteRecordRange(span[0], span[1]);
                }
            }
            return null;
        });
        log.info("membership: cleared {} token ranges this node takes over in {}", gained.size(), incoming.version());
    }

    private void dropEverything() {
        store.withAllKeysLocked(() -> {
            storage.deleteRecordRange(StorageKeys.startOf(Long.MIN_VALUE), null);
            return null;
        });
        storage.deleteAllHints();
    }

    private Topology load() {
        byte[] bytes = storage.getMeta(META_KEY);
        if (bytes == null) {
            return null;
        }
        return JSON.readValue(bytes, TopologyMessage.class).toTopology(virtualNodes, replicationFactor);
    }

    private void store(Topology value) {
        storage.putMeta(META_KEY, JSON.writeValueAsString(TopologyMessage.of(value))
                .getBytes(StandardCharsets.UTF_8));
    }
}
