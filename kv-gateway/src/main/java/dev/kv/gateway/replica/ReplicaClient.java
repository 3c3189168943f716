package dev.kv.gateway.replica;

import dev.kv.core.codec.CorruptDataException;
import dev.kv.core.codec.RecordCodec;
import dev.kv.core.codec.ReplicaBatchCodec;
import dev.kv.core.contract.FailureKind;
import dev.kv.core.contract.Headers;
import dev.kv.core.contract.InternalPaths;
import dev.kv.core.key.KeyCodec;
import dev.kv.core.placement.TopologyMessage;
import dev.kv.core.placement.TopologyVersion;
import dev.kv.core.record.Record;
import dev.kv.core.version.WriteIds;
import dev.kv.core.write.WriteAttempts;
import dev.kv.gateway.config.BatchingProperties;
import dev.kv.gateway.config.GatewayProperties;
import dev.kv.gateway.config.ResilienceProperties;
import dev.kv.gateway.routing.NodeAddress;
import dev.kv.web.net.SourceAddress;
import dev.kv.web.runtime.Json;
import dev.kv.web.runtime.SystemSources;
import dev.kv.web.security.LiveClusterSecret;
import dev.kv.web.tls.MemberTls;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.annotation.PreDestroy;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.core5.http.ConnectionRequestTimeoutException;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Calls the nodes' internal API asynchronously (over {@link NodeTransport}), so a quorum fan-out costs no platform
 * thread per replica. Reads, merges and coordinate attempts to one node travel in batches ({@link NodeBatcher}) unless
 * batching is off; hints and operator calls are requests of their own. Every call has a timeout; every failure becomes
 * a {@link ReplicaException} that says what happened; every call is timed by node, call and outcome. Connections are
 * kept alive and reused (the nodes never close them after N requests).
 */
@Component
public class ReplicaClient {

    private static final JsonMapper JSON = Json.mapper();

    private final NodeTransport http;
    /** How long an operator's request to a node may take (see {@link #postJson}). */
    public static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(5);

    private final Duration timeout;
    private final Supplier<String> secret;
    private final MeterRegistry registry;
    private final ReplicaGuard guard;

    private final BatchingProperties batching;
    private final Map<URI, NodeBatcher> batchers = new ConcurrentHashMap<>();
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();

    public ReplicaClient(GatewayProperties properties, LiveClusterSecret secret,
                         MeterRegistry registry, ReplicaGuard guard, ResilienceProperties resilience,
                         BatchingProperties batching, MemberTls tls, SourceAddress source) {
        this.timeout = properties.replicaTimeout();
        this.secret = () -> secret.get().current();
        this.registry = registry;
        this.guard = guard;
        this.batching = batching;
        this.http = new NodeTransport(timeout, resilience.maxConcurrentCalls(), tls, source);
    }

    /**
     * Sends a data call in the node's next batch, or, with batching off, as its own request on the per-call
     * endpoint ({@code perCall}, built only then).
     */
    private Supplier<CompletableFuture<NodeTransport.Response>> exchange(NodeAddress node, ReplicaBatchCodec.Op op,
                                                                       Supplier<NodeTransport.Request> perCall) {
        return exchange(node, op, perCall, false);
    }

    /** As above; with {@code here}, an exchange the call starts at once runs on the calling thread. */
    private Supplier<CompletableFuture<NodeTransport.Response>> exchange(NodeAddress node, ReplicaBatchCodec.Op op,
                                                                       Supplier<NodeTransport.Request> perCall,
                                                                       boolean here) {
        if (!batching.enabled()) {
            return () -> here ? http.exchangeHere(perCall.get()) : http.exchange(perCall.get());
        }
        NodeBatcher batcher = batchers.computeIfAbsent(node.baseUri(), uri -> new NodeBatcher(http, uri, secret,
                timeout, batching.maxInFlight(), batching.maxCalls(), node.id(), registry));
        return () -> batcher.submit(op, here);
    }

    /** The replica's record for the key; {@link Record#EMPTY} when it has none. */
    public CompletableFuture<Record> read(NodeAddress node, byte[] key, String topology) {
        return send(node, "read", exchange(node, new ReplicaBatchCodec.Read(key, topology),
                () -> stamped(request(node, InternalPaths.REPLICA + "?key=" + KeyCodec.encode(key)), topology).GET()),
                response -> switch (response.statusCode()) {
            case 200 -> RecordCodec.decode(response.body());
            case 404 -> Record.EMPTY;
            default -> throw unexpected(node, response);
        });
    }

    /** Sends a record for the replica to merge into its own (repair: no topology, it only spreads data). */
    public CompletableFuture<Void> merge(NodeAddress node, byte[] key, byte[] encodedRecord) {
        return merge(node, key, encodedRecord, null);
    }

    /** Sends a record for the replica to merge into its own, routed with {@code topology} (replication). */
    public CompletableFuture<Void> merge(NodeAddress node, byte[] key, byte[] encodedRecord, String topology) {
        return send(node, "merge", exchange(node, new ReplicaBatchCodec.Merge(key, topology, encodedRecord),
                () -> stamped(request(node, InternalPaths.REPLICA + "?key=" + KeyCodec.encode(key)), topology)
                        .header("Content-Type", "application/octet-stream")
                        .PUT(encodedRecord)), response -> {
            if (response.statusCode() != 204 && response.statusCode() != 200) {
                throw unexpected(node, response);
            }
            return null;
        });
    }

    /**
     * Asks the replica to coordinate one attempt of a client write; answers the record it stored. The attempt's write
     * id, deadline and re-attempt flag travel as headers (see {@link WriteAttempts}). The exchange runs on the calling
     * thread when it can start at once (the writer waits for the answer before anything else), so the future is then
     * complete when this returns: no thread is started for it and none has to wake the writer.
     */
    public CompletableFuture<Record> coordinate(NodeAddress node, byte[] key, CoordinateRequest write,
                                                WriteAttempts.Attempt attempt, String topology) {
        ReplicaBatchCodec.Coordinate op = new ReplicaBatchCodec.Coordinate(key, topology, write.delete(),
                write.ttlSeconds(), write.contentType(), write.context(), attempt.writeId(), attempt.deadlineMillis(),
                attempt.reattempt(), write.value());
        return send(node, "coordinate", exchange(node, op, () -> perCallCoordinate(node, op), true), response -> {
            if (response.statusCode() != 200) {
                throw unexpected(node, response);
            }
            return RecordCodec.decode(response.body());
        });
    }

    private NodeTransport.Request perCallCoordinate(NodeAddress node, ReplicaBatchCodec.Coordinate write) {
        StringBuilder path = new StringBuilder(InternalPaths.COORDINATE + "?key=").append(KeyCodec.encode(write.key()))
                .append("&op=").append(write.delete() ? "delete" : "put");
        if (write.ttlSeconds() != null) {
            path.append("&ttl=").append(write.ttlSeconds());
        }
        NodeTransport.Request request = stamped(request(node, path.toString()), write.topology())
                .header("Content-Type", "application/octet-stream");
        if (write.contentType() != null) {
            request.header(Headers.CONTENT_TYPE, write.contentType());
        }
        if (write.context() != null) {
            request.header(Headers.CONTEXT, write.context());
        }
        request.header(Headers.WRITE_ID, WriteIds.format(write.writeId()))
                .header(Headers.DEADLINE, Long.toString(write.deadlineMillis()));
        if (write.reattempt()) {
            request.header(Headers.REATTEMPT, "true");
        }
        return request.POST(write.value());
    }

    /** Leaves a hint for {@code target} (a down replica) with {@code holder}. */
    public CompletableFuture<Void> hint(NodeAddress holder, String target, byte[] key, byte[] encodedRecord) {
        Supplier<NodeTransport.Request> request = () -> request(holder, InternalPaths.HINTS + "?target="
                + java.net.URLEncoder.encode(target, java.nio.charset.StandardCharsets.UTF_8)
                + "&key=" + KeyCodec.encode(key))
                .header("Content-Type", "application/octet-stream")
                .PUT(encodedRecord);
        return send(holder, "hint", () -> http.exchange(request.get()), response -> {
            if (response.statusCode() != 204 && response.statusCode() != 200) {
                throw unexpected(holder, response);
            }
            return null;
        });
    }

    /**
     * Stamps a data request with the topology it was routed by ({@link Headers#TOPOLOGY}); none when the
     * gateway has not learned one from the nodes.
     */
    private static NodeTransport.Request stamped(NodeTransport.Request request, String topology) {
        return topology == null ? request : request.header(Headers.TOPOLOGY, topology);
    }

    /**
     * A plain POST to a node's admin endpoint, answering the JSON body; not guarded, like {@link #getJson}. Waits up to
     * {@link #ADMIN_TIMEOUT}: an operator's request (a membership change, a repair) may find the node busy, and a
     * replica's timeout would report a change that was made as one that failed.
     */
    public CompletableFuture<byte[]> postJson(NodeAddress node, String path) {
        return unguarded(node, request(node, path).POST(null).timeout(ADMIN_TIMEOUT));
    }

    /**
     * A plain GET of a node's JSON endpoint (cluster view, info). Not guarded by the node's breaker: membership
     * refreshes must keep working while a breaker is open, and they say nothing about the data path's health.
     */
    public CompletableFuture<byte[]> getJson(NodeAddress node, String path) {
        return unguarded(node, request(node, path).GET());
    }

    private CompletableFuture<byte[]> unguarded(NodeAddress node, NodeTransport.Request request) {
        return exchange(request).handle((response, failure) -> {
            if (failure != null) {
                throw translate(node, failure, request.timeoutOr(timeout));
            }
            if (response.statusCode() / 100 != 2) {
                throw unexpected(node, response);
            }
            return response.body();
        });
    }

    private NodeTransport.Request request(NodeAddress node, String path) {
        NodeTransport.Request builder = new NodeTransport.Request(node.baseUri().resolve(URI.create(path)));
        String current = secret.get();
        if (!current.isEmpty()) {
            builder.header(Headers.CLUSTER_SECRET, current);
        }
        return builder;
    }

    /**
     * One guarded call: the node's breaker and bulkhead see the whole outcome (see {@link ReplicaGuard} for what
     * counts as a failure), and the call is timed by node, call and outcome.
     */
    private <T> CompletableFuture<T> send(NodeAddress node, String call,
                                          Supplier<CompletableFuture<NodeTransport.Response>> exchange,
                                          Function<NodeTransport.Response, T> handler) {
        long start = SystemSources.monotonicNanos();
        return guard.call(node.id(), () -> {
            // Reads, merges and hints (GET, PUT) are idempotent and retried once by the transport when a pooled
            // connection turns out closed; a coordinate (POST) never is: the writer fails over to the next replica.
            // Batches follow the same rule (NodeBatcher).
            CompletableFuture<NodeTransport.Response> attempt = exchange.get();
            return attempt.handle((response, failure) -> {
                if (failure != null) {
                    throw translate(node, failure, timeout);
                }
                try {
                    return handler.apply(response);
                } catch (CorruptDataException e) {
                    throw new ReplicaException(node.id(), FailureKind.UNREADABLE,
                            "unreadable answer: " + e.getMessage(), e);
                }
            });
        }).whenComplete((answer, failure) -> timer(node.id(), call, outcome(failure))
                .record(SystemSources.monotonicNanos() - start, TimeUnit.NANOSECONDS));
    }

    /** The timer of one node, call and outcome, built once (several per replica call otherwise). */
    private Timer timer(String node, String call, String outcome) {
        return timers.computeIfAbsent(node + '|' + call + '|' + outcome, combination -> Timer
                .builder("kv.replica.calls").tag("node", node).tag("call", call).tag("outcome", outcome)
                .register(registry));
    }

    private CompletableFuture<NodeTransport.Response> exchange(NodeTransport.Request request) {
        return http.exchange(request);
    }

    @PreDestroy
    void close() {
        http.close();
    }

    /** The call's {@code outcome} tag: {@code ok}, its failure kind's, or {@code error} when the code failed. */
    static String outcome(Throwable failure) {
        if (failure == null) {
            return "ok";
        }
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        return cause instanceof ReplicaException replica ? replica.kind().metricTag() : "error";
    }

    private ReplicaException translate(NodeAddress node, Throwable failure, Duration timeout) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (cause instanceof ReplicaException replica) {
            return replica;
        }
        if (cause instanceof ConnectTimeoutException) {
            return new ReplicaException(node.id(), FailureKind.UNREACHABLE,
                    "connect timeout after " + timeout.toMillis() + " ms", cause);
        } else if (cause instanceof ConnectionRequestTimeoutException) {
            return new ReplicaException(node.id(), FailureKind.UNREACHABLE,
                    "no free connection within " + timeout.toMillis() + " ms", cause);
        } else if (cause instanceof SocketTimeoutException) {
            return new ReplicaException(node.id(), FailureKind.TIMEOUT, "timeout after " + timeout.toMillis() + " ms",
                    cause);
        } else if (cause instanceof ConnectException || cause instanceof UnknownHostException) {
            return new ReplicaException(node.id(), FailureKind.UNREACHABLE, "connection refused", cause);
        } else if (cause instanceof IOException) {
            // Broken after the request may have been sent (reset, closed mid-answer): as good as a timeout.
            return new ReplicaException(node.id(), FailureKind.TIMEOUT, "connection failed ("
                    + cause.getClass().getSimpleName() + ": " + cause.getMessage() + ")", cause);
        }
        return new ReplicaException(node.id(), FailureKind.UNKNOWN, cause.toString(), cause);
    }

    private static ReplicaException unexpected(NodeAddress node, NodeTransport.Response response) {
        String body = new String(response.body(), java.nio.charset.StandardCharsets.UTF_8);
        String detail = extractDetail(body);
        if (response.statusCode() == 409) {
            ReplicaException fenced = fenced(node, body, detail);
            if (fenced != null) {
                return fenced;
            }
        }
        return new ReplicaException(node.id(), response.statusCode(), "HTTP " + response.statusCode()
                + (detail.isEmpty() ? "" : " (" + detail + ")"), null);
    }

    private static ReplicaException fenced(NodeAddress node, String body, String detail) {
        try {
            JsonNode problem = JSON.readTree(body);
            String type = problem.path("type").asString("");
            String kind = type.substring(type.lastIndexOf(':') + 1);
            if (!kind.equals(TopologyVersion.STALE) && !kind.equals(TopologyVersion.BEHIND)) {
                return null;
            }
            TopologyMessage newer = problem.hasNonNull("topology")
                    ? JSON.treeToValue(problem.get("topology"), TopologyMessage.class) : null;
            return ReplicaException.fenced(node.id(), kind + " (" + detail + ")", newer);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** The {@code detail} of a problem+json body; empty if the body is not one. */
    static String extractDetail(String body) {
        try {
            JsonNode detail = JSON.readTree(body).get("detail");
            return detail == null ? "" : detail.asString();
        } catch (RuntimeException e) {
            return "";
        }
    }
}
