package dev.kv.sim;

/** Counters of one run that the report sums over schedules. */
final class Stats {

    private long repairedKeys;

    void repaired(long keys) {
        repairedKeys += keys;
    }

    long repairedKeys() {
        return repairedKeys;
    }
}
