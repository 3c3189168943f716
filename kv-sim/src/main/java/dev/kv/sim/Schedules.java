package dev.kv.sim;

import dev.kv.core.record.ConflictMode;

import java.util.Set;
import java.util.SplittableRandom;

/** Draws a schedule's cluster and load from its seed. */
final class Schedules {

    private Schedules() {
    }

    static SimConfig of(long seed, ConflictMode mode, Set<Bug> bugs) {
        SplittableRandom random = new SplittableRandom(seed ^ 0x5DEECE66DL);
        int nodes = 3 + random.nextInt(3);
        int gateways = 1 + random.nextInt(2);
        int clients = 2 + random.nextInt(4);
        int operations = 100 + random.nextInt(201);
        int faults = 2 + random.nextInt(5);
        boolean syncWrites = random.nextInt(10) < 7;
        boolean spare = nodes > SimConfig.REPLICATION_FACTOR;
        SimConfig.Change change = switch (random.nextInt(4)) {
            case 0 -> SimConfig.Change.JOIN;
            case 1 -> spare ? SimConfig.Change.DECOMMISSION : SimConfig.Change.JOIN;
            case 2 -> spare ? SimConfig.Change.REMOVE : SimConfig.Change.NONE;
            default -> SimConfig.Change.NONE;
        };
        return new SimConfig(seed, mode, nodes, gateways, clients, operations, faults, syncWrites, change,
                Set.copyOf(bugs));
    }
}
