package dev.kv.gateway.replica;

import dev.kv.core.codec.CorruptDataException;
import dev.kv.core.codec.ReplicaBatchCodec;
import dev.kv.core.contract.FailureKind;
import dev.kv.core.contract.InternalPaths;
import dev.kv.web.runtime.SystemSources;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.hc.core5.http.ConnectionClosedException;
import org.apache.hc.core5.http.NoHttpResponseException;

import java.net.SocketException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The replica calls to one node, coalesced into batches ({@link ReplicaBatchCodec}, {@code POST /internal/v1/batch}):
 * while {@code maxInFlight} exchanges with the node are out, new calls queue; each finished exchange sends what queued
 * meanwhile. No call waits for company: with an exchange slot free it leaves at once, so batching costs a lone request
 * nothing and saves a loaded node most of its per-request work (Cassandra's and Riak's messaging do the same).
 *
 * <p>Each call gets its own answer, a status and body as the per-call endpoint would give. A failed exchange fails
 * every call in it the same way; one that broke on a pooled connection the node had closed (a restart) is sent once
 * more if it holds no coordinate attempt, which is never sent twice. A call that waited in the queue longer than the
 * replica timeout fails without being sent, as a timeout that never reached the node, and an exchange is given only
 * what its longest-waiting call has left of the replica timeout: waiting for a slot never makes a call slower than a
 * call of its own would have been.
 */
final class NodeBatcher {

    private record Pending(ReplicaBatchCodec.Op op, long queuedAtNanos,
                           CompletableFuture<NodeTransport.Response> answer) {
    }

    private static final long BATCH_BYTES_TARGET = 1024 * 1024;
    /** The least an exchange is given, so a call drained just before its deadline still has a chance. */
    private static final long MIN_EXCHANGE_NANOS = 20_000_000L;

    private final NodeTransport http;
    private final URI uri;
    private final Supplier<String> secret;
    private final Duration timeout;
    private final int maxInFlight;
    private final int maxCalls;
    private final String nodeId;
    private final DistributionSummary sizes;
    private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger inFlight = new AtomicInteger();

    NodeBatcher(NodeTransport http, URI baseUri, Supplier<String> secret, Duration timeout, int maxInFlight,
                int maxCalls, String nodeId, MeterRegistry registry) {
        this.http = http;
        this.uri = baseUri.resolve(InternalPaths.BATCH);
        this.secret = secret;
        this.timeout = timeout;
        this.maxInFlight = maxInFlight;
        this.maxCalls = maxCalls;
        this.nodeId = nodeId;
        this.sizes = DistributionSummary.builder("kv.replica.batch.calls").tag("node", nodeId)
                .description("replica calls per batch sent to the node").register(registry);
    }

    /** Sends the call with the next batch; answers the node's status and body for it. */
    CompletableFuture<NodeTransport.Response> submit(ReplicaBatchCodec.Op op) {
        return submit(op, false);
    }

    /**
     * Sends the call with the next batch; answers the node's status and body for it. With {@code here}, a batch this
     * call sends at once is exchanged on the calling thread (which is about to wait for its answer anyway).
     */
    CompletableFuture<NodeTransport.Response> submit(ReplicaBatchCodec.Op op, boolean here) {
        Pending pending = new Pending(op, SystemSources.monotonicNanos(), new CompletableFuture<>());
        queue.add(pending);
        pump(here);
        return pending.answer();
    }

    /**
     * Sends batches while an exchange slot is free and calls are waiting; the first on this thread if {@code here}
     * (later ones are other calls', which the caller must not wait for).
     */
    private void pump(boolean here) {
        while (!queue.isEmpty()) {
            int out = inFlight.get();
            if (out >= maxInFlight) {
                return; // the exchange that frees a slot pumps again
            }
            if (!inFlight.compareAndSet(out, out + 1)) {
                continue;
            }
            List<Pending> batch = drain();
            if (batch.isEmpty()) {
                inFlight.decrementAndGet();
                continue; // another pump took the calls; look again in case more arrived meanwhile
            }
            boolean sendHere = here;
            here = false; // even if this send fails before it starts: other calls' batches never run here
            CompletableFuture<Void> exchange;
            try {
                exchange = send(batch, true, sendHere);
            } catch (RuntimeException e) {
                // Never leave a call unanswered or a slot taken, whatever went wrong before the exchange started.
                batch.forEach(pending -> pending.answer().completeExceptionally(e));
                exchange = CompletableFuture.completedFuture(null);
            }
            exchange.whenComplete((ignored, failure) -> {
                inFlight.decrementAndGet();
                pump(false);
            });
        }
    }

    /**
     * Takes the next batch off the queue. One drain at a time: a call looked at but left for the next batch (too
     * large for this one) must stay at the head, which a concurrent drain's poll could otherwise take and lose.
     */
    private synchronized List<Pending> drain() {
        List<Pending> batch = new ArrayList<>();
        long bytes = 0;
        long now = SystemSources.monotonicNanos();
        Pending next;
        while (batch.size() < maxCalls && (next = queue.peek()) != null) {
            long size = next.op().key().length + ReplicaBatchCodec.sizeOf(next.op());
            if (!batch.isEmpty() && bytes + size > BATCH_BYTES_TARGET) {
                break;
            }
            queue.poll();
            if (now - next.queuedAtNanos() > timeout.toNanos()) {
                next.answer().completeExceptionally(new ReplicaException(nodeId, FailureKind.UNREACHABLE, "waited "
                        + timeout.toMillis() + " ms for a free exchange with the node; not sent", null));
                continue;
            }
            batch.add(next);
            bytes += size;
        }
        return batch;
    }

    private CompletableFuture<Void> send(List<Pending> batch, boolean mayRetry, boolean here) {
        List<ReplicaBatchCodec.Op> ops = new ArrayList<>(batch.size());
        long oldest = Long.MAX_VALUE;
        for (Pending pending : batch) {
            ops.add(pending.op());
            oldest = Math.min(oldest, pending.queuedAtNanos());
        }
        // A call's whole time, waiting for a slot included, stays within the replica timeout, as it did when every
        // call was an exchange of its own: the exchange gets what the longest-waiting call has left.
        long leftNanos = Math.max(MIN_EXCHANGE_NANOS, timeout.toNanos() - (SystemSources.monotonicNanos() - oldest));
        sizes.record(batch.size());
        byte[] body = ReplicaBatchCodec.encodeRequest(ops);
        return http.batch(uri, secret, body, Duration.ofNanos(leftNanos), here).handle((response, failure) -> {
            if (failure != null) {
                if (mayRetry && staleConnection(failure) && ops.stream()
                        .noneMatch(op -> op instanceof ReplicaBatchCodec.Coordinate)) {
                    return send(batch, false, here);
                }
                batch.forEach(pending -> pending.answer().completeExceptionally(failure));
            } else {
                answer(batch, response);
            }
            return CompletableFuture.<Void>completedFuture(null);
        }).thenCompose(next -> next);
    }

    private void answer(List<Pending> batch, NodeTransport.Response response) {
        if (response.statusCode() != 200) {
            // The node refused the batch as a whole (401, 413, 400): every call gets that answer.
            batch.forEach(pending -> pending.answer().complete(response));
            return;
        }
        List<ReplicaBatchCodec.Result> results;
        try {
            results = ReplicaBatchCodec.decodeResponse(response.body(), batch.size());
        } catch (CorruptDataException e) {
            ReplicaException unreadable = new ReplicaException(nodeId, FailureKind.UNREADABLE, "unreadable answer: "
                    + e.getMessage(), e);
            batch.forEach(pending -> pending.answer().completeExceptionally(unreadable));
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            ReplicaBatchCodec.Result result = results.get(i);
            batch.get(i).answer().complete(new NodeTransport.Response(result.status(), result.body()));
        }
    }

    /** A pooled connection the node closed before this exchange could use it: nothing reached the node. */
    private static boolean staleConnection(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        return cause instanceof NoHttpResponseException || cause instanceof ConnectionClosedException
                || cause instanceof SocketException && String.valueOf(cause.getMessage()).contains("reset");
    }
}
