package dev.kv.it;

import dev.kv.core.codec.RecordBatchCodec;
import dev.kv.core.codec.RecordCodec;
import dev.kv.core.record.Record;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * One storage node of a {@link KvCluster}: its process (kill, start, restart on the same port and data directory)
 * and its internal API, called with the cluster secret exactly as the gateway calls it. The internal calls let a
 * test look at (and tamper with) one replica at a time, which the public API never allows.
 */
public final class KvNode {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String SECRET_HEADER = "X-KV-Cluster-Secret";

    private final String id;
    private final Path dataDirectory;
    private final KvProcess process;
    private final HttpClient http;
    private final Supplier<String> secret;

    KvNode(String id, Path dataDirectory, KvProcess process, HttpClient http, Supplier<String> secret) {
        this.id = id;
        this.dataDirectory = dataDirectory;
        this.process = process;
        this.http = http;
        this.secret = secret;
    }

    public String id() {
        return id;
    }

    public int port() {
        return process.port();
    }

    public URI baseUri() {
        return process.baseUri();
    }

    public Path dataDirectory() {
        return dataDirectory;
    }

    public Path logFile() {
        return process.logFile();
    }

    /** What the node's processes have logged so far (every launch appends to the same file). */
    public String logText() {
        try {
            return Files.readString(logFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public long pid() {
        return process.pid();
    }

    public boolean isRunning() {
        return process.isRunning();
    }

    /** kill -9: the JVM gets no chance to flush or close anything. Returns once the process is gone. */
    public void kill() {
        process.kill();
    }

    /** Starts the node again on its port with its data directory and waits until it is ready. */
    public void start() {
        process.launch();
        process.awaitReady();
    }

    /**
     * kill -9 if it runs, then a start with {@code extraArguments} for this run only (a failpoint, a clock offset);
     * waits until it is ready. The next {@link #start()} is without them.
     */
    public void restartWith(String... extraArguments) {
        relaunchWith(extraArguments);
        process.awaitReady();
    }

    /**
     * kill -9 if it runs, then a start with {@code extraArguments} for this run only, without waiting: a node armed
     * to crash may do so before it is ready.
     */
    public void relaunchWith(String... extraArguments) {
        kill();
        process.launch(List.of(extraArguments));
    }

    /** Starts the node again without waiting for readiness (a joining node is ready only once it is normal). */
    public void launch() {
        process.launch();
    }

    /** What the node streams in for the membership change under way ({@code GET /internal/v1/streaming}). */
    public JsonNode streaming() {
        return getJson("internal/v1/streaming");
    }

    /** Its range cleanup's progress ({@code GET /internal/v1/cleanup}). */
    public JsonNode cleanup() {
        return getJson("internal/v1/cleanup");
    }

    /** kill -9, then {@link #start()}. */
    public void restart() {
        kill();
        start();
    }

    KvProcess process() {
        return process;
    }

    /** This replica's record for the key, straight from its store; {@link Record#EMPTY} when it has none. */
    public Record internalRead(String key) {
        HttpResponse<byte[]> response = send(request("internal/v1/replica?key=" + KeyPaths.internal(key)).GET());
        return switch (response.statusCode()) {
            case 200 -> RecordCodec.decode(response.body());
            case 404 -> Record.EMPTY;
            default -> throw unexpected("replica read", response);
        };
    }

    /** Merges a record into this replica, as replication and read repair do. */
    public void internalMerge(String key, Record record) {
        HttpResponse<byte[]> response = send(request("internal/v1/replica?key=" + KeyPaths.internal(key))
                .header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(RecordCodec.encode(record))));
        if (response.statusCode() != 204 && response.statusCode() != 200) {
            throw unexpected("merge", response);
        }
    }

    /** Has this node coordinate a put (with the client context, or none) and returns the record it stored. */
    public Record internalCoordinate(String key, String value, String contentType, String context) {
        return internalCoordinate(key, value, contentType, context, null);
    }

    /** As {@link #internalCoordinate(String, String, String, String)}, with a time to live in seconds. */
    public Record internalCoordinate(String key, String value, String contentType, String context, Long ttlSeconds) {
        HttpRequest.Builder request = request("internal/v1/coordinate?key=" + KeyPaths.internal(key) + "&op=put"
                + (ttlSeconds == null ? "" : "&ttl=" + ttlSeconds))
                .header("Content-Type", "application/octet-stream")
                .header("X-KV-Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(value.getBytes(StandardCharsets.UTF_8)));
        if (context != null) {
            request.header("X-KV-Context", context);
        }
        HttpResponse<byte[]> response = send(request);
        if (response.statusCode() != 200) {
            throw unexpected("coordinate", response);
        }
        return RecordCodec.decode(response.body());
    }

    /** SIGSTOP: the process stays, holds its sockets, and answers nothing until {@link #resume()}. */
    public void pause() {
        signal("-STOP");
    }

    /** SIGCONT. */
    public void resume() {
        signal("-CONT");
    }

    private void signal(String signal) {
        try {
            Process kill = new ProcessBuilder("kill", signal, Long.toString(pid())).inheritIO().start();
            if (kill.waitFor() != 0) {
                throw new IllegalStateException("kill " + signal + " " + pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** {@code /internal/v1/cluster}: this node's gossip view. */
    public JsonNode clusterView() {
        return getJson("internal/v1/cluster");
    }

    /** {@code /internal/v1/hints}: hints this node holds, by target. */
    public JsonNode hints() {
        return getJson("internal/v1/hints");
    }

    private JsonNode getJson(String path) {
        HttpResponse<byte[]> response = send(request(path).GET());
        if (response.statusCode() != 200) {
            throw unexpected(path, response);
        }
        return JSON.readTree(response.body());
    }

    /** {@code GET /admin/v1/repair}: this node's ranges with their tree roots, last exchanges, repair progress. */
    public JsonNode repairStatus() {
        return getJson("admin/v1/repair");
    }

    /** {@code POST /admin/v1/repair}: exchanges every range with every live replica now; answers the progress. */
    public JsonNode startRepair() {
        HttpResponse<byte[]> response = send(request("admin/v1/repair").POST(HttpRequest.BodyPublishers.noBody()));
        if (response.statusCode() != 202) {
            throw unexpected("repair", response);
        }
        return JSON.readTree(response.body());
    }

    /** The root hash of each range's Merkle tree on this node, by range. */
    public Map<String, String> treeRoots() {
        Map<String, String> roots = new TreeMap<>();
        repairStatus().get("ranges").valueStream()
                .forEach(r -> roots.put(r.get("range").asString(), r.get("root").asString()));
        return roots;
    }

    /** Merges a batch of records at once through the anti-entropy push endpoint (bulk loading for tests). */
    public void push(List<RecordBatchCodec.KeyedRecord> records) {
        HttpResponse<byte[]> response = send(request("internal/v1/merkle/push")
                .header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(RecordBatchCodec.encode(records))));
        if (response.statusCode() != 204) {
            throw unexpected("push", response);
        }
    }

    /** {@code /internal/v1/info}: node id, generation, actor, uptime, keys, disk. */
    public JsonNode info() {
        HttpResponse<byte[]> response = send(request("internal/v1/info").GET());
        if (response.statusCode() != 200) {
            throw unexpected("info", response);
        }
        return JSON.readTree(response.body());
    }

    /**
     * The sum of a Prometheus metric's samples on this node ({@code /internal/v1/metrics}) whose line starts with
     * {@code name} and contains every one of {@code labels} (e.g. {@code reason="deadline"}); 0 when there is none.
     */
    public double metric(String name, String... labels) {
        HttpResponse<byte[]> response = send(request("internal/v1/metrics").GET());
        if (response.statusCode() != 200) {
            throw unexpected("prometheus", response);
        }
        double sum = 0;
        for (String line : new String(response.body(), StandardCharsets.UTF_8).split("\n")) {
            if (line.startsWith(name) && java.util.Arrays.stream(labels).allMatch(line::contains)) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    /** An internal call without the cluster secret (which the node must refuse). */
    public int statusWithoutSecret(String path) {
        HttpRequest.Builder request = HttpRequest.newBuilder(baseUri().resolve(path))
                .timeout(GatewayClient.REQUEST_TIMEOUT).GET();
        return send(request).statusCode();
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(baseUri().resolve(path)).timeout(GatewayClient.REQUEST_TIMEOUT)
                .header(SECRET_HEADER, secret.get());
    }

    private HttpResponse<byte[]> send(HttpRequest.Builder request) {
        HttpRequest built = request.build();
        try {
            return http.send(built, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(id + ": " + built.method() + " " + built.uri() + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted calling " + id, e);
        }
    }

    private IllegalStateException unexpected(String call, HttpResponse<byte[]> response) {
        return new IllegalStateException(id + " " + call + " answered " + response.statusCode() + ": "
                + new String(response.body(), StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return id + "@" + port();
    }
}
