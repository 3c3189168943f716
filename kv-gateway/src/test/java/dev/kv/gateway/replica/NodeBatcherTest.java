package dev.kv.gateway.replica;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.kv.core.codec.ReplicaBatchCodec;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The gateway's batching of replica calls against a fake node on loopback that decodes each batch and answers every
 * call with its own key: calls wait only while the exchange slots are taken and then leave together, each answer goes
 * to its own call, and failures are handled call by call as the per-call API's would be.
 */
class NodeBatcherTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private HttpServer server;
    private NodeTransport http;
    private final List<Integer> batchSizes = new CopyOnWriteArrayList<>();
    private final AtomicInteger requests = new AtomicInteger();
    private volatile CountDownLatch release = new CountDownLatch(0);
    private volatile int dropFirst;
    private volatile int status = 200;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/internal/v1/batch", this::answer);
        server.start();
        http = new NodeTransport(TIMEOUT, 16);
    }

    @AfterEach
    void stop() {
        release.countDown();
        http.close();
        server.stop(0);
    }

    private void answer(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        if (requests.incrementAndGet() <= dropFirst) {
            exchange.close(); // the connection breaks with no answer
            return;
        }
        List<ReplicaBatchCodec.Op> ops = ReplicaBatchCodec.decodeRequest(body, 1 << 20);
        batchSizes.add(ops.size());
        try {
            release.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        byte[] answer;
        if (status == 200) {
            List<ReplicaBatchCodec.Result> results = new ArrayList<>();
            for (ReplicaBatchCodec.Op op : ops) {
                results.add(new ReplicaBatchCodec.Result(op instanceof ReplicaBatchCodec.Read ? 200 : 204, op.key()));
            }
            answer = ReplicaBatchCodec.encodeResponse(results);
        } else {
            answer = "{\"status\":401,\"detail\":\"wrong cluster secret\"}".getBytes(StandardCharsets.UTF_8);
        }
        exchange.sendResponseHeaders(status, answer.length);
        exchange.getResponseBody().write(answer);
        exchange.close();
    }

    private NodeBatcher batcher(int maxInFlight, Duration timeout) {
        URI node = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
        return new NodeBatcher(http, node, () -> "s3cret", timeout, maxInFlight, 64, "n1", new SimpleMeterRegistry());
    }

    private static ReplicaBatchCodec.Op read(String key) {
        return new ReplicaBatchCodec.Read(key.getBytes(StandardCharsets.UTF_8), "1:n1");
    }

    @Test
    void callsMadeWhileTheSlotIsTakenLeaveTogetherAndEachGetsItsOwnAnswer() {
        release = new CountDownLatch(1);
        NodeBatcher batcher = batcher(1, TIMEOUT);
        CompletableFuture<NodeTransport.Response> first = batcher.submit(read("first"));
        await().until(() -> batchSizes.size() == 1);
        List<CompletableFuture<NodeTransport.Response>> waiting = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            waiting.add(batcher.submit(read("key-" + i)));
        }
        assertThat(waiting).noneMatch(CompletableFuture::isDone);
        release.countDown();

        assertThat(new String(first.join().body(), StandardCharsets.UTF_8)).isEqualTo("first");
        for (int i = 0; i < 10; i++) {
            NodeTransport.Response response = waiting.get(i).join();
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo("key-" + i);
        }
        assertThat(batchSizes).containsExactly(1, 10);
    }

    /** Many callers at once, calls of mixed sizes (some close batches early): every call gets its own answer. */
    @Test
    void underConcurrentCallersEveryCallIsAnsweredWithItsOwnAnswer() throws Exception {
        NodeBatcher batcher = batcher(4, Duration.ofSeconds(10));
        List<CompletableFuture<Void>> callers = new ArrayList<>();
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int t = 0; t < 16; t++) {
                int caller = t;
                callers.add(CompletableFuture.runAsync(() -> {
                    for (int i = 0; i < 200; i++) {
                        String key = caller + "/" + i;
                        ReplicaBatchCodec.Op op = i % 10 == 0
                                ? new ReplicaBatchCodec.Merge(key.getBytes(StandardCharsets.UTF_8), null,
                                new byte[300 * 1024])
                                : read(key);
                        NodeTransport.Response response = batcher.submit(op).orTimeout(10, TimeUnit.SECONDS).join();
                        assertThat(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo(key);
                    }
                }, threads));
            }
            CompletableFuture.allOf(callers.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        }
        assertThat(batchSizes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(16 * 200);
        assertThat(batchSizes).anyMatch(size -> size > 1);
    }

    @Test
    void aLoneCallIsSentAtOnce() {
        NodeBatcher batcher = batcher(4, TIMEOUT);
        for (int i = 0; i < 3; i++) {
            assertThat(batcher.submit(read("alone-" + i)).join().statusCode()).isEqualTo(200);
        }
        assertThat(batchSizes).containsExactly(1, 1, 1);
    }

    /** The writer's coordinate attempt: it waits for the answer anyway, so no thread has to be started and woken. */
    @Test
    void aCallSentHereIsExchangedOnTheCallingThreadBeforeSubmitReturns() {
        NodeBatcher batcher = batcher(1, TIMEOUT);
        CompletableFuture<NodeTransport.Response> answer = batcher.submit(coordinate("here"), true);

        assertThat(answer).isDone();
        assertThat(answer.join().statusCode()).isEqualTo(204);
        assertThat(new String(answer.join().body(), StandardCharsets.UTF_8)).isEqualTo("here");
        assertThat(batchSizes).containsExactly(1);
    }

    /** With every slot taken, the caller does not wait for one: its call goes with the batch the next slot sends. */
    @Test
    void aCallSentHereThatFindsNoFreeSlotIsQueuedAndTheCallerGoesOn() {
        release = new CountDownLatch(1);
        NodeBatcher batcher = batcher(1, TIMEOUT);
        CompletableFuture<NodeTransport.Response> held = batcher.submit(read("held"));
        await().until(() -> batchSizes.size() == 1);

        CompletableFuture<NodeTransport.Response> queued = batcher.submit(coordinate("queued"), true);
        assertThat(queued).isNotDone();
        release.countDown();

        assertThat(new String(queued.join().body(), StandardCharsets.UTF_8)).isEqualTo("queued");
        assertThat(held.join().statusCode()).isEqualTo(200);
        assertThat(batchSizes).containsExactly(1, 1);
    }

    /** A failure on the calling thread is the same failure, and a coordinate attempt is still never sent twice. */
    @Test
    void aCallSentHereFailsAsASentCallWouldAndACoordinateIsNotSentAgain() {
        dropFirst = 3;
        NodeBatcher batcher = batcher(1, TIMEOUT);
        CompletableFuture<NodeTransport.Response> attempt = batcher.submit(coordinate("once"), true);

        assertThat(attempt).isCompletedExceptionally();
        assertThat(requests).hasValue(1);
        CompletableFuture<NodeTransport.Response> read = batcher.submit(read("again"), true);
        assertThat(read).isCompletedExceptionally(); // the second drop, then the retry met the third
        assertThat(requests).hasValue(3);
        assertThat(batcher.submit(read("answered"), true).join().statusCode()).isEqualTo(200);
    }

    private static ReplicaBatchCodec.Op coordinate(String key) {
        return new ReplicaBatchCodec.Coordinate(key.getBytes(StandardCharsets.UTF_8), null, false, null, null, null, 1,
                Long.MAX_VALUE, false, new byte[] {1});
    }

    @Test
    void aBatchRefusedAsAWholeGivesEveryCallThatAnswer() {
        status = 401;
        NodeBatcher batcher = batcher(1, TIMEOUT);
        assertThat(batcher.submit(read("refused")).join().statusCode()).isEqualTo(401);
    }

    @Test
    void readsAndMergesAreSentAgainOnceAfterABrokenConnectionButACoordinateAttemptIsNot() {
        dropFirst = 1;
        NodeBatcher batcher = batcher(1, TIMEOUT);
        assertThat(batcher.submit(read("again")).join().statusCode()).isEqualTo(200);
        assertThat(requests).hasValue(2);

        dropFirst = 3;
        CompletableFuture<NodeTransport.Response> attempt = batcher.submit(coordinate("once"));
        await().until(attempt::isDone);
        assertThat(attempt).isCompletedExceptionally();
        assertThat(requests).hasValue(3);
    }

    /**
     * A node that stops answering (SIGSTOP): a call queued behind its hanging exchange still fails within the replica
     * timeout in all, as a call of its own would, not after its wait plus a timeout of its own.
     */
    @Test
    void waitingForASlotNeverMakesACallSlowerThanTheReplicaTimeout() {
        release = new CountDownLatch(1);
        Duration timeout = Duration.ofMillis(400);
        NodeBatcher batcher = batcher(1, timeout);
        CompletableFuture<NodeTransport.Response> held = batcher.submit(read("held"));
        await().until(() -> batchSizes.size() == 1);
        long queuedAt = System.nanoTime();
        CompletableFuture<NodeTransport.Response> queued = batcher.submit(read("queued"));
        await().atMost(Duration.ofSeconds(5)).until(queued::isDone);
        long tookMillis = (System.nanoTime() - queuedAt) / 1_000_000;
        release.countDown();

        assertThat(held).isCompletedExceptionally();
        assertThat(queued).isCompletedExceptionally();
        assertThat(tookMillis).as("the queued call's whole time").isLessThan(timeout.toMillis() + 200);
    }

    /**
     * A call that waited the whole replica timeout for a slot is failed without being sent: it never reached the node.
     */
    @Test
    void aCallThatWaitedTheWholeTimeoutFailsUnsentAsNotReachingTheNode() {
        release = new CountDownLatch(1);
        NodeBatcher batcher = batcher(1, Duration.ofMillis(300));
        CompletableFuture<NodeTransport.Response> held = batcher.submit(read("held"));
        CompletableFuture<NodeTransport.Response> queued = batcher.submit(read("queued"));
        await().atMost(Duration.ofSeconds(5)).until(() -> held.isDone() && queued.isDone());
        release.countDown();

        Throwable failure = queued.handle((ok, e) -> e).join();
        if (batchSizes.size() == 1) { // the usual case: drained after the held exchange's full timeout
            assertThat(failure).isInstanceOf(ReplicaException.class).hasMessageContaining("not sent");
            assertThat(((ReplicaException) failure).mayHaveApplied()).isFalse();
        } else { // drained a moment early: sent with what it had left, and timed out
            assertThat(failure).isNotNull();
        }
    }
}
