package dev.kv.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in for the gateway's membership API, for the operator scripts ({@code ./kv}, the chart's scale-down hook):
 * {@code GET /v1/cluster} answers the queued views in turn (the last one from then on), and the admin POSTs answer
 * {@code 202 {"topologyVersion":"10:<id>"}}, or what {@link #onPost} set for that path, after which the views given
 * there are served. A POST without the right {@code X-KV-Cluster-Secret} answers 401. Every request is recorded.
 */
final class StubGateway implements AutoCloseable {

    record Answer(int status, String body, List<String> viewsAfter) {
    }

    final List<String> requests = new CopyOnWriteArrayList<>();
    private final String secret;
    private final Deque<String> views = new ConcurrentLinkedDeque<>();
    private final Map<String, Deque<Answer>> answers = new ConcurrentHashMap<>();
    private final HttpServer server;

    StubGateway(String secret, String initialView) throws IOException {
        this.secret = secret;
        views.add(initialView);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** From now on, GET /v1/cluster answers these views in turn, then the last one. */
    void clusterViews(String... bodies) {
        synchronized (views) {
            views.clear();
            views.addAll(List.of(bodies));
        }
    }

    /**
     * The next POST to this path answers status and body, then GET /v1/cluster serves viewsAfter (when any). Answers
     * set for one path are given in turn, the last one from then on.
     */
    void onPost(String path, int status, String body, String... viewsAfter) {
        answers.computeIfAbsent(path, p -> new ConcurrentLinkedDeque<>())
                .add(new Answer(status, body, List.of(viewsAfter)));
    }

    /** Every POST to an admin path without answers of its own is refused with this problem. */
    void refuseAll(int status, String problem) {
        onPost("*", status, problem);
    }

    List<String> posts() {
        return requests.stream().filter(r -> r.startsWith("POST")).toList();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getRawPath();
        String given = exchange.getRequestHeaders().getFirst("X-KV-Cluster-Secret");
        requests.add(exchange.getRequestMethod() + " " + path + " secret=" + given);
        int status;
        String body;
        String type = "application/json";
        if (exchange.getRequestMethod().equals("GET") && path.equals("/v1/cluster")) {
            status = 200;
            synchronized (views) {
                body = views.size() > 1 ? views.poll() : views.peek();
            }
        } else if (exchange.getRequestMethod().equals("POST") && path.startsWith("/admin/v1/")) {
            Deque<Answer> queue = answers.getOrDefault(path, answers.get("*"));
            Answer answer = null;
            if (queue != null) {
                synchronized (queue) {
                    answer = queue.size() > 1 ? queue.poll() : queue.peek();
                }
            }
            if (!secret.equals(given)) {
                status = 401;
                type = "application/problem+json";
                body = "{\"title\":\"Unauthorized\",\"status\":401,\"detail\":\"missing or wrong cluster secret\"}";
            } else if (answer != null) {
                status = answer.status();
                body = answer.body();
                type = status >= 400 ? "application/problem+json" : type;
                if (!answer.viewsAfter().isEmpty()) {
                    clusterViews(answer.viewsAfter().toArray(String[]::new));
                }
            } else {
                status = 202;
                String[] segments = path.split("/");
                body = path.startsWith("/admin/v1/nodes/") ? "{\"topologyVersion\":\"10:" + segments[4] + "\"}" : "{}";
            }
        } else {
            status = 404;
            body = "{}";
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    /** A /v1/cluster body as the gateway answers it (contract of issue 12). */
    static String cluster(String transition, String... members) {
        return """
                {"replicationFactor":3,"virtualNodes":256,"conflictMode":"vector-clock","defaultConsistency":"strong",
                 "observer":"n1","refreshedAt":1795538375917,"epoch":9,"topologyVersion":"9:n5","transition":%s,
                 "members":[%s]}""".formatted(transition, String.join(",", members));
    }

    /** One member; its info map carries a decoy "state" that must not be taken for the member's. */
    static String member(String id, String state) {
        return member(id, state, "alive");
    }

    static String member(String id, String state, String liveness) {
        return """
                {"id":"%s","url":"http://%s:7101","status":"%s","announced":"normal","phi":0.4,"generation":1,
                 "circuitBreaker":"closed","ownership":0.2,
                 "info":{"state":"not-this-one","keys":{"n":[1,{}]},"tags":[]},
                 "state":"%s"}""".formatted(id, id, liveness, state);
    }

    static String transition(String kind, String member, int done, int total, long bytes, String eta) {
        return """
                {"kind":"%s","member":"%s","rangesDone":%d,"rangesTotal":%d,"keys":%d,"bytes":%d,
                 "bytesPerSecond":3.3554432E7,"etaSeconds":%s}""".formatted(kind, member, done, total, done * 1000L,
                bytes, eta);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
