package dev.kv.it.robustness;

import dev.kv.it.GatewayClient;
import dev.kv.it.Reply;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;

/**
 * Concurrent clients whose every operation goes into a {@link History}, through any of the given gateways:
 * <ul>
 *   <li>appenders add unique elements to a few shared sets, each a read at {@code strong} then a write of the union
 *   with the read's context (so concurrent appends become siblings, and none may be lost);</li>
 *   <li>writers own registers (one writer each) and write increasing sequence numbers at {@code strong};</li>
 *   <li>readers read the registers at {@code strong} and at {@code eventual};</li>
 *   <li>a deleter writes a key, deletes it with the write's context, and now and then writes a key with a
 *   one-second TTL.</li>
 * </ul>
 * Every thread draws from a random generator seeded from the run's seed, so the mix of a run can be repeated.
 */
public final class Workload implements AutoCloseable {

    static final int SETS = 4;
    static final int REGISTERS = 8;
    private static final int OPERATIONS_PER_SECOND = 20;
    private static final String STRONG = "consistency=strong";

    private final List<GatewayClient> gateways;
    private final String prefix;
    private final long seed;
    private final History history = new History();
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicLong elements = new AtomicLong();
    private volatile int deleted;

    private final String[] setWrites;

    /**
     * @param prefix the run's keys start with it, so runs on one cluster never share a key
     * @param sloppy appends, deletes and expiring writes are sloppy (a hint counts toward W); the registers stay
     *               strict, since a strict read only promises to see strict writes
     */
    public Workload(List<GatewayClient> gateways, String prefix, long seed, boolean sloppy) {
        this.gateways = List.copyOf(gateways);
        this.prefix = prefix;
        this.seed = seed;
        this.setWrites = sloppy ? new String[] {STRONG, "sloppy=true"} : new String[] {STRONG};
    }

    public History history() {
        return history;
    }

    String setKey(int i) {
        return prefix + "/set-" + i;
    }

    String registerKey(int i) {
        return prefix + "/reg-" + i;
    }

    String deleteKey(int i) {
        return prefix + "/del-" + i;
    }

    String ttlKey(int i) {
        return prefix + "/ttl-" + i;
    }

    /** How many keys the deleter went through (each {@link #deleteKey} and {@link #ttlKey} below it). */
    int deleterKeys() {
        return deleted;
    }

    /**
     * Creates the sets (element 0), so that every append carries the context of what it read: a write without one
     * supersedes whatever its coordinator holds (DESIGN §3), so two clients creating a set at once could lose one.
     */
    public Workload start() {
        for (int i = 0; i < SETS; i++) {
            String key = setKey(i);
            await("set " + key + " created").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .ignoreExceptions().until(() -> gateways.getFirst().put(key).text("0").params(STRONG).send()
                            .status() == 204);
        }
        for (int a = 0; a < 2; a++) {
            int self = a;
            start("appender-" + a, random -> append(self, random));
        }
        for (int w = 0; w < 2; w++) {
            int self = w;
            long[] sequences = new long[REGISTERS];
            Map<Integer, String> contexts = new HashMap<>();
            start("writer-" + w, random -> write(self, random, sequences, contexts));
        }
        for (int r = 0; r < 2; r++) {
            start("reader-" + r, this::read);
        }
        start("deleter", this::deleteNext);
        return this;
    }

    /**
     * Each client paces itself to {@link #OPERATIONS_PER_SECOND} steps a second, as clients with work of their own
     * do: flat out, seven clients would keep both cores of the test machine busy and slow every restart under test.
     */
    private void start(String name, Consumer<Random> step) {
        Random random = new Random(seed ^ name.hashCode());
        long period = 1_000_000_000L / OPERATIONS_PER_SECOND;
        threads.add(Thread.ofPlatform().name("workload-" + name).daemon().start(() -> {
            long next = System.nanoTime();
            while (!stopped.get()) {
                step.accept(random);
                next = Math.max(next + period, System.nanoTime() - period);
                LockSupport.parkNanos(next - System.nanoTime());
            }
        }));
    }

    private GatewayClient gateway(Random random) {
        return gateways.get(random.nextInt(gateways.size()));
    }

    private void append(int self, Random random) {
        String key = setKey(random.nextInt(SETS));
        GatewayClient gateway = gateway(random);
        Reply read;
        try {
            read = gateway.get(key).params(STRONG).accept("application/json").send();
        } catch (RuntimeException e) {
            return; // the append was not attempted
        }
        if (read.status() != 200 && read.status() != 300) {
            return; // never a write without a context: by the contract it would supersede what the coordinator holds
        }
        Set<Long> elements = elementsOf(read);
        long element = this.elements.incrementAndGet();
        elements.add(element);
        String value = elements.stream().map(String::valueOf).collect(Collectors.joining(","));
        long invoked = System.nanoTime();
        History.Outcome outcome = outcome(() -> gateway.put(key).text(value).params(setWrites)
                .context(read.context()).send());
        history.add(new History.Op(History.Kind.APPEND, key, element, invoked, System.nanoTime(), outcome));
    }

    /** The elements of every sibling of a JSON read. */
    static Set<Long> elementsOf(Reply read) {
        Set<Long> elements = new LinkedHashSet<>();
        for (String value : read.siblingValues()) {
            if (!value.isEmpty()) {
                Arrays.stream(value.split(",")).map(Long::parseLong).forEach(elements::add);
            }
        }
        return elements;
    }

    private void write(int self, Random random, long[] sequences, Map<Integer, String> contexts) {
        int register = self + 2 * random.nextInt(REGISTERS / 2);
        String key = registerKey(register);
        long sequence = ++sequences[register];
        long invoked = System.nanoTime();
        GatewayClient.Call call = gateway(random).put(key).text(sequence + ":").params(STRONG)
                .context(contexts.get(register));
        History.Outcome outcome = outcome(() -> {
            Reply reply = call.send();
            reply.optionalHeader("X-KV-Context").ifPresent(context -> contexts.put(register, context));
            return reply;
        });
        history.add(new History.Op(History.Kind.WRITE, key, sequence, invoked, System.nanoTime(), outcome));
    }

    private void read(Random random) {
        String key = registerKey(random.nextInt(REGISTERS));
        boolean strong = random.nextBoolean();
        long invoked = System.nanoTime();
        long seen = -1;
        History.Outcome outcome;
        try {
            Reply reply = gateway(random).get(key).params(strong ? STRONG : "consistency=eventual")
                    .accept("application/json").send();
            if (reply.status() == 200 || reply.status() == 300) {
                seen = highestSequence(reply);
                outcome = History.Outcome.OK;
            } else {
                outcome = reply.status() == 404 ? History.Outcome.OK : History.Outcome.FAIL;
            }
        } catch (RuntimeException e) {
            outcome = History.Outcome.FAIL;
        }
        history.add(new History.Op(strong ? History.Kind.READ_STRONG : History.Kind.READ_EVENTUAL, key, seen,
                invoked, System.nanoTime(), outcome));
    }

    /** The highest sequence among the values {@code "<sequence>:..."} of a JSON read's siblings; -1 for none. */
    public static long highestSequence(Reply reply) {
        long highest = -1;
        for (String value : reply.siblingValues()) {
            highest = Math.max(highest, Long.parseLong(value.substring(0, value.indexOf(':'))));
        }
        return highest;
    }

    private void deleteNext(Random random) {
        int index = deleted;
        String key = deleteKey(index);
        GatewayClient gateway = gateway(random);
        long invoked = System.nanoTime();
        String[] context = new String[1];
        History.Outcome written = outcome(() -> {
            Reply reply = gateway.put(key).text("1:").params(setWrites).send();
            context[0] = reply.optionalHeader("X-KV-Context").orElse(null);
            return reply;
        });
        history.add(new History.Op(History.Kind.WRITE, key, 1, invoked, System.nanoTime(), written));
        if (written == History.Outcome.OK) {
            long deleting = System.nanoTime();
            History.Outcome outcome = outcome(() -> gateway.delete(key).params(setWrites).context(context[0])
                    .send());
            history.add(new History.Op(History.Kind.DELETE, key, 0, deleting, System.nanoTime(), outcome));
        }
        String ttl = ttlKey(index);
        long writing = System.nanoTime();
        History.Outcome expiring = outcome(() -> gateway.put(ttl).text("1:").params(setWrites).params("ttl=1")
                .send());
        history.add(new History.Op(History.Kind.WRITE_TTL, ttl, 1, writing, System.nanoTime(), expiring));
        deleted = index + 1;
    }

    /** 2xx: acknowledged; 4xx: refused; 5xx or no answer: may have been applied. */
    private static History.Outcome outcome(Supplier<Reply> request) {
        try {
            int status = request.get().status();
            return status / 100 == 2 ? History.Outcome.OK : status / 100 == 4 ? History.Outcome.FAIL
                    : History.Outcome.UNKNOWN;
        } catch (RuntimeException e) {
            return History.Outcome.UNKNOWN;
        }
    }

    /** Stops every client and waits for its operation in flight to end. */
    @Override
    public void close() {
        stopped.set(true);
        for (Thread thread : threads) {
            try {
                thread.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
