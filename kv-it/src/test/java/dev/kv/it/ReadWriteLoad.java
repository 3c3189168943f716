package dev.kv.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.kv.it.TestSupport.uniqueKey;
import static org.awaitility.Awaitility.await;

/**
 * Clients that each write a new key and read it back, over and over, until stopped, counting what succeeded and, by
 * status or exception, what failed: the load under which a test changes something (a certificate, a secret) and then
 * asserts that nothing failed.
 */
final class ReadWriteLoad implements AutoCloseable {

    private final GatewayClient gateway;
    private final String prefix;
    private final String[] writeParameters;
    private final String[] readParameters;
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final AtomicInteger ok = new AtomicInteger();
    private final Map<String, Integer> failures = new ConcurrentSkipListMap<>();
    private final List<Thread> clients = new ArrayList<>();

    private ReadWriteLoad(GatewayClient gateway, String prefix, String[] writeParameters, String[] readParameters) {
        this.gateway = gateway;
        this.prefix = prefix;
        this.writeParameters = writeParameters;
        this.readParameters = readParameters;
    }

    /** Starts {@code clients} threads; writes with {@code writeParameters}, reads with {@code readParameters}. */
    static ReadWriteLoad start(GatewayClient gateway, String prefix, int clients, String[] writeParameters,
                               String... readParameters) {
        ReadWriteLoad load = new ReadWriteLoad(gateway, prefix, writeParameters, readParameters);
        for (int i = 0; i < clients; i++) {
            load.clients.add(Thread.ofPlatform().name(prefix + "-client-" + i).start(load::run));
        }
        return load;
    }

    private void run() {
        while (!stopped.get()) {
            String key = uniqueKey(prefix);
            try {
                Reply write = gateway.write(key, "v", writeParameters);
                Reply read = gateway.read(key, readParameters);
                if (write.status() == 204 && read.status() == 200) {
                    ok.addAndGet(2);
                } else {
                    failures.merge(write.status() + "/" + read.status(), 1, Integer::sum);
                }
            } catch (RuntimeException e) {
                failures.merge(e.getClass().getSimpleName(), 1, Integer::sum);
            }
        }
    }

    /** Waits until {@code more} requests beyond those done so far have succeeded. */
    void awaitMoreOk(int more) {
        int target = ok.get() + more;
        await().atMost(Duration.ofSeconds(30)).until(() -> ok.get() >= target);
    }

    int ok() {
        return ok.get();
    }

    /** Failed requests by status pair (write/read) or exception; complete once {@link #close()} has returned. */
    Map<String, Integer> failures() {
        return failures;
    }

    /** Stops the clients and waits for each to finish its round. */
    @Override
    public void close() throws InterruptedException {
        stopped.set(true);
        for (Thread client : clients) {
            client.join(Duration.ofSeconds(30));
        }
    }
}
