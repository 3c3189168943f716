package dev.kv.gateway.support;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.common.Slf4jNotifier;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.kv.core.codec.RecordCodec;
import dev.kv.core.record.Record;
import dev.kv.core.ring.TokenRing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

/**
 * Three WireMock servers on loopback standing in for the storage nodes {@code n1}, {@code n2} and {@code n3}, shared
 * by every gateway test in the JVM (one Spring context points at them). They speak the nodes' internal API: records
 * travel as {@link RecordCodec} bytes, keys as base64url in the {@code key} parameter.
 *
 * <p>The {@code /internal/v1/info} stub is installed once and never removed, so the gateway's health probe always
 * sees every node up and the coordinator order stays the preference-list order; {@link #reset()} removes every
 * other stub and forgets the recorded requests.
 */
public final class FakeReplicas {

    public static final List<String> IDS = List.of("n1", "n2", "n3");
    public static final int VIRTUAL_NODES = 256;
    public static final int REPLICATION_FACTOR = 3;
    public static final String REPLICA_PATH = "/internal/v1/replica";
    public static final String COORDINATE_PATH = "/internal/v1/coordinate";
    public static final String INFO_PATH = "/internal/v1/info";
    public static final String HINTS_PATH = "/internal/v1/hints";
    public static final String OCTET_STREAM = "application/octet-stream";

    private static final FakeReplicas SHARED = new FakeReplicas();

    private final Map<String, WireMockServer> servers = new LinkedHashMap<>();
    private final Map<String, StubMapping> infoStubs = new LinkedHashMap<>();
    private final TokenRing ring = TokenRing.of(IDS, VIRTUAL_NODES);

    private FakeReplicas() {
        for (String id : IDS) {
            WireMockServer server = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1")
                    .notifier(new Slf4jNotifier(false)));
            server.start();
            servers.put(id, server);
            infoStubs.put(id, server.stubFor(get(urlPathEqualTo(INFO_PATH)).atPriority(1)
                    .willReturn(okJson("{\"nodeId\":\"" + id + "\",\"generation\":1}"))));
        }
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(
                () -> servers.values().forEach(WireMockServer::stop)));
    }

    /** The servers, started on first use and stopped when the JVM exits. */
    public static FakeReplicas shared() {
        return SHARED;
    }

    /** The gateway's node list entry for a replica: {@code n1=http://127.0.0.1:port/}. */
    public String nodeSpec(String id) {
        return id + "=http://127.0.0.1:" + server(id).port() + "/";
    }

    public WireMockServer server(String id) {
        WireMockServer server = servers.get(id);
        if (server == null) {
            throw new IllegalArgumentException("no replica " + id);
        }
        return server;
    }

    /** The key's replicas in the order the gateway tries them as coordinator. */
    public List<String> preferenceList(String key) {
        return ring.preferenceList(key.getBytes(StandardCharsets.UTF_8), REPLICATION_FACTOR);
    }

    /** Removes every stub but the health endpoint's and forgets every recorded request. */
    public void reset() {
        for (Map.Entry<String, WireMockServer> entry : servers.entrySet()) {
            WireMockServer server = entry.getValue();
            StubMapping info = infoStubs.get(entry.getKey());
            for (StubMapping stub : server.getStubMappings()) {
                if (!stub.getId().equals(info.getId())) {
                    server.removeStub(stub);
                }
            }
            server.resetRequests();
        }
    }

    // ---- request matchers for one key

    public static String encodeKey(String key) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(key.getBytes(StandardCharsets.UTF_8));
    }

    public static MappingBuilder replicaRead(String key) {
        return get(urlPathEqualTo(REPLICA_PATH)).withQueryParam("key", equalTo(encodeKey(key)));
    }

    public static MappingBuilder replicaMerge(String key) {
        return put(urlPathEqualTo(REPLICA_PATH)).withQueryParam("key", equalTo(encodeKey(key)));
    }

    public static MappingBuilder hint(String key) {
        return put(urlPathEqualTo(HINTS_PATH)).withQueryParam("key", equalTo(encodeKey(key)));
    }

    public static MappingBuilder coordinate(String key) {
        return post(urlPathEqualTo(COORDINATE_PATH)).withQueryParam("key", equalTo(encodeKey(key)));
    }

    // ---- answers

    public static ResponseDefinitionBuilder recordAnswer(Record record) {
        return aResponse().withStatus(200).withHeader("Content-Type", OCTET_STREAM)
                .withBody(RecordCodec.encode(record));
    }

    public static ResponseDefinitionBuilder notFound() {
        return aResponse().withStatus(404);
    }

    public static ResponseDefinitionBuilder merged() {
        return aResponse().withStatus(204);
    }

    public static ResponseDefinitionBuilder problem(int status, String detail) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/problem+json")
                .withBody("{\"status\":" + status + ",\"detail\":\"" + detail + "\"}");
    }

    // ---- stubbing

    public void stub(String id, MappingBuilder request, ResponseDefinitionBuilder answer) {
        server(id).stubFor(request.willReturn(answer));
    }

    /** The replica holds {@code record} for the key. */
    public void stubRead(String id, String key, Record record) {
        stub(id, replicaRead(key), recordAnswer(record));
    }

    /** Every replica holds {@code record} for the key. */
    public void stubReadEverywhere(String key, Record record) {
        IDS.forEach(id -> stubRead(id, key, record));
    }

    /** Every replica would coordinate the write as {@code written} and accepts merges. */
    public void stubWritesEverywhere(String key, Record written) {
        for (String id : IDS) {
            stub(id, coordinate(key), recordAnswer(written));
            stub(id, replicaMerge(key), merged());
        }
    }

    // ---- what the replicas saw

    /** Requests to the replica, of any kind, for keys that satisfy {@code key} (the health probe's excluded). */
    public List<LoggedRequest> requestsFor(String id, Predicate<String> key) {
        List<LoggedRequest> matching = new ArrayList<>();
        for (LoggedRequest request : server(id).findAll(anyRequestedFor(anyUrl()))) {
            if (!request.getUrl().startsWith(INFO_PATH) && key.test(decodedKey(request))) {
                matching.add(request);
            }
        }
        return matching;
    }

    /** Coordinate calls and merges, on any replica, for keys that satisfy {@code key}. */
    public List<LoggedRequest> writesFor(Predicate<String> key) {
        List<LoggedRequest> writes = new ArrayList<>();
        for (String id : IDS) {
            for (LoggedRequest request : requestsFor(id, key)) {
                if (request.getUrl().startsWith(COORDINATE_PATH)
                        || request.getUrl().startsWith(REPLICA_PATH) && request.getMethod().getName().equals("PUT")) {
                    writes.add(request);
                }
            }
        }
        return writes;
    }

    /** Any call, on any replica, for keys that satisfy {@code key}. */
    public List<LoggedRequest> callsFor(Predicate<String> key) {
        List<LoggedRequest> calls = new ArrayList<>();
        IDS.forEach(id -> calls.addAll(requestsFor(id, key)));
        return calls;
    }

    /** The request's key parameter decoded, or the empty string when it has none (or not base64url). */
    public static String decodedKey(LoggedRequest request) {
        var parameter = request.queryParameter("key");
        if (parameter == null || !parameter.isPresent()) {
            return "";
        }
        try {
            return new String(Base64.getUrlDecoder().decode(parameter.firstValue()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return "";
        }
    }
}
