package dev.kv.sim;

import dev.kv.core.coordination.Outcome;
import dev.kv.core.quorum.QuorumSpec;
import dev.kv.core.record.Mutation;
import dev.kv.core.record.Record;
import dev.kv.core.record.Sibling;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * The clients: each runs one operation at a time through a random gateway, with a short pause between.
 *
 * <ul>
 *   <li>set-append on the set keys: read the set (the union of the siblings), write it back with a new element under
 *       the read's context; an acknowledged element must never be lost</li>
 *   <li>put and delete on the delete keys: a put writes a new value (sometimes with a TTL), a delete removes what its
 *       read saw; nothing deleted or expired may come back</li>
 * </ul>
 */
final class Workload {

    static final List<String> SET_KEYS = List.of("s0", "s1", "s2", "s3");
    static final List<String> DELETE_KEYS = List.of("d0", "d1", "d2");
    private static final int N = SimConfig.REPLICATION_FACTOR;

    private final Simulation world;
    private final int operations;
    private int issued;
    private int inFlight;
    private int elements;

    Workload(Simulation world, int operations) {
        this.world = world;
        this.operations = operations;
    }

    void start(int clients) {
        for (int client = 0; client < clients; client++) {
            int c = client;
            world.loop().after(world.random().nextLong(20), () -> next(c));
        }
    }

    boolean done() {
        return issued >= operations && inFlight == 0;
    }

    private void next(int client) {
        if (issued >= operations) {
            return;
        }
        issued++;
        inFlight++;
        Runnable finished = () -> {
            inFlight--;
            world.loop().after(world.random().nextLong(30), () -> next(client));
        };
        if (world.random().nextInt(100) < 65) {
            append(client, SET_KEYS.get(world.random().nextInt(SET_KEYS.size())), finished);
        } else {
            putOrDelete(client, DELETE_KEYS.get(world.random().nextInt(DELETE_KEYS.size())), finished);
        }
    }

    private void append(int client, String key, Runnable finished) {
        SimGateway gateway = gateway();
        read(client, gateway, key, true, (record, seen) -> {
            if (record == null) {
                finished.run();
                return;
            }
            String element = "c" + client + "." + (++elements);
            Set<String> next = new TreeSet<>(seen);
            next.add(element);
            write(client, gateway, key, History.Kind.APPEND, element, Set.of(),
                    Mutation.put(bytes(String.join(",", next)), "text/plain", Sibling.NO_EXPIRY, record.clock()), 0,
                    finished);
        });
    }

    private void putOrDelete(int client, String key, Runnable finished) {
        SimGateway gateway = gateway();
        read(client, gateway, key, false, (record, seen) -> {
            if (record == null) {
                finished.run();
            } else if (world.random().nextBoolean() && !seen.isEmpty()) {
                write(client, gateway, key, History.Kind.DELETE, null, seen, Mutation.delete(record.clock()), 0,
                        finished);
            } else {
                String value = "v" + client + "." + (++elements);
                long ttl = world.random().nextInt(4) == 0 ? 300 + world.random().nextLong(1_500) : 0;
                write(client, gateway, key, History.Kind.PUT, value, Set.of(),
                        Mutation.put(bytes(value), "text/plain", Sibling.NO_EXPIRY, record.clock()), ttl, finished);
            }
        });
    }

    /** Reads the key; hands over the merged record and the values it shows, or null when the read failed. */
    private void read(int client, SimGateway gateway, String key, boolean isSet,
                      java.util.function.BiConsumer<Record, Set<String>> then) {
        QuorumSpec spec = readSpec();
        long invoked = world.loop().now();
        gateway.read(key, spec, outcome -> {
            Record record = outcome instanceof Outcome.Done done ? done.record() : null;
            Set<String> seen = record == null ? Set.of() : values(record, gateway.millis(), isSet);
            world.history().add(new History.Op(client, History.Kind.READ, key, null, Set.of(), spec, invoked,
                    world.loop().now(), record == null ? History.Status.FAILED : History.Status.OK, seen, 0));
            then.accept(record, seen);
        });
    }

    private void write(int client, SimGateway gateway, String key, History.Kind kind, String element,
                       Set<String> deleted, Mutation mutation, long ttl, Runnable finished) {
        QuorumSpec spec = writeSpec();
        long invoked = world.loop().now();
        Consumer<Outcome> done = outcome -> {
            History.Status status = switch (outcome) {
                case Outcome.Done ignored -> History.Status.OK;
                case Outcome.Rejected ignored -> History.Status.FAILED;
                case Outcome.NotReached ignored -> History.Status.UNKNOWN;
            };
            world.history().add(new History.Op(client, kind, key, element, deleted, spec, invoked,
                    world.loop().now(), status, Set.of(), ttl));
            finished.run();
        };
        gateway.write(key, mutation, ttl, spec, done);
    }

    /** The values a read shows: a set key's elements (the union of its siblings), or a key's live values. */
    static Set<String> values(Record record, long nowMillis, boolean isSet) {
        Set<String> values = new TreeSet<>();
        for (Sibling sibling : record.liveSiblings(nowMillis)) {
            String value = new String(sibling.value(), StandardCharsets.UTF_8);
            if (isSet) {
                for (String element : value.split(",")) {
                    if (!element.isEmpty()) {
                        values.add(element);
                    }
                }
            } else {
                values.add(value);
            }
        }
        return values;
    }

    private QuorumSpec writeSpec() {
        int pick = world.random().nextInt(100);
        if (pick < 50) {
            return new QuorumSpec(2, 2, false, QuorumSpec.STRONG);
        } else if (pick < 60) {
            return new QuorumSpec(1, N, false, QuorumSpec.FAST_READ);
        } else if (pick < 80) {
            return new QuorumSpec(1, 1, true, QuorumSpec.EVENTUAL);
        }
        return new QuorumSpec(2, 2, true, QuorumSpec.CUSTOM);
    }

    private QuorumSpec readSpec() {
        int pick = world.random().nextInt(100);
        if (pick < 55) {
            return new QuorumSpec(2, 2, false, QuorumSpec.STRONG);
        } else if (pick < 80) {
            return new QuorumSpec(1, 1, true, QuorumSpec.EVENTUAL);
        }
        return new QuorumSpec(N, 1, true, QuorumSpec.FAST_WRITE);
    }

    private SimGateway gateway() {
        List<SimGateway> gateways = world.gateways();
        return gateways.get(world.random().nextInt(gateways.size()));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

}
