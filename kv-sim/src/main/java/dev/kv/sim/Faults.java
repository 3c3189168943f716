package dev.kv.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The faults of a schedule, drawn from its seed: partitions (both ways and one way, gateways included), clogged
 * endpoints, lossy and duplicating links, process crashes, power loss, a wiped disk, clock skew and backward jumps.
 * At most one fault per schedule destroys data on a disk (a wipe, or a power loss without synced writes), which is
 * what a replication factor of 3 with W = 2 promises to survive.
 */
final class Faults {

    enum Kind { PARTITION, ONE_WAY, CLOG, LOSSY, CRASH, POWER_LOSS, WIPE, CLOCK_SKEW, CLOCK_JUMP }

    private static final long MAX_SKEW = 2_000;

    private final Simulation world;
    private final Map<Kind, Integer> injected = new TreeMap<>();
    private boolean healed;
    private boolean diskLossUsed;
    private long firstDataLossAt = Long.MAX_VALUE;

    Faults(Simulation world) {
        this.world = world;
    }

    void schedule(int count, long horizon) {
        for (int i = 0; i < count; i++) {
            Kind kind = Kind.values()[world.random().nextInt(Kind.values().length)];
            long at = world.random().nextLong(Math.max(1, horizon));
            long duration = 100 + world.random().nextLong(1_500);
            world.loop().at(at, () -> {
                if (!healed) {
                    inject(kind, duration);
                }
            });
        }
    }

    /**
     * Claims the schedule's one disk loss for a member that dies for good; false when a fault has taken it already.
     */
    boolean claimDiskLoss() {
        if (diskLossUsed) {
            return false;
        }
        diskLossUsed = true;
        firstDataLossAt = Math.min(firstDataLossAt, world.loop().now());
        return true;
    }

    /** The moment data was first lost on a disk (a wipe, unsynced writes gone), or {@code Long.MAX_VALUE}. */
    long firstDataLossAt() {
        return firstDataLossAt;
    }

    Map<Kind, Integer> injected() {
        return injected;
    }

    /** Ends every fault: links healed, stopped nodes started, clocks corrected. */
    void healAll() {
        healed = true;
        world.network().heal();
        for (SimNode node : world.nodes()) {
            node.clockOffset(0);
            if (node.wanted() && !node.running()) {
                node.start();
            }
        }
        world.gateways().forEach(gateway -> gateway.clockOffset(0));
        world.trace().add("heal: every link, process and clock");
    }

    private void inject(Kind kind, long duration) {
        SimNode node = randomNode();
        switch (kind) {
            case PARTITION -> partition(duration);
            case ONE_WAY -> {
                SimNode other = randomNode();
                if (other != node) {
                    world.network().cut(node.id(), other.id());
                    later(duration, () -> world.network().uncut(node.id(), other.id()));
                }
            }
            case CLOG -> world.network().clog(node.id(), world.loop().now() + duration);
            case LOSSY -> {
                world.network().conditions(0.05 + world.random().nextDouble() * 0.15, 0.05, 1, 10);
                later(duration, () -> world.network().conditions(0, 0, 1, 4));
            }
            case CRASH -> stop(node, duration, node::crash);
            case POWER_LOSS, WIPE -> {
                if (diskLossUsed) {
                    return;
                }
                diskLossUsed = true;
                if (kind == Kind.WIPE || !world.config().syncWrites()) {
                    firstDataLossAt = Math.min(firstDataLossAt, world.loop().now());
                }
                stop(node, duration, kind == Kind.WIPE ? node::wipe : node::losePower);
            }
            case CLOCK_SKEW -> node.clockOffset(world.random().nextLong(-MAX_SKEW, MAX_SKEW + 1));
            case CLOCK_JUMP -> node.clockOffset(-world.random().nextLong(MAX_SKEW / 2));
        }
        injected.merge(kind, 1, Integer::sum);
        world.trace().add("fault %s on %s for %s ms", kind, node.id(), duration);
    }

    /** Cuts a random group of nodes (and sometimes a gateway with it) from the rest, both ways. */
    private void partition(long duration) {
        List<String> side = new ArrayList<>();
        List<String> rest = new ArrayList<>();
        for (SimNode node : world.nodes()) {
            (world.random().nextBoolean() ? side : rest).add(node.id());
        }
        for (SimGateway gateway : world.gateways()) {
            (world.random().nextInt(3) == 0 ? side : rest).add(gateway.id());
        }
        for (String a : side) {
            for (String b : rest) {
                world.network().cut(a, b);
                world.network().cut(b, a);
            }
        }
        world.trace().add("partition %s | %s", side, rest);
        later(duration, () -> {
            for (String a : side) {
                for (String b : rest) {
                    world.network().uncut(a, b);
                    world.network().uncut(b, a);
                }
            }
        });
    }

    private void stop(SimNode node, long duration, Runnable how) {
        if (!node.running()) {
            return;
        }
        how.run();
        later(duration, () -> {
            if (node.wanted() && !node.running()) {
                node.start();
                world.trace().add("%s restarts", node.id());
            }
        });
    }

    private void later(long delay, Runnable action) {
        world.loop().after(delay, () -> {
            if (!healed) {
                action.run();
            }
        });
    }

    /** One of the nodes the operator runs (not a spare never started, nor one that left). */
    private SimNode randomNode() {
        List<SimNode> nodes = world.nodes().stream().filter(SimNode::wanted).toList();
        return nodes.get(world.random().nextInt(nodes.size()));
    }
}
