package dev.kv.bench.ycsb;

import com.github.tomakehurst.wiremock.WireMockServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import site.ycsb.ByteIterator;
import site.ycsb.DBException;
import site.ycsb.Status;
import site.ycsb.StringByteIterator;

import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The YCSB binding against a stand-in gateway (WireMock). */
class KvYcsbClientTest {

    private final WireMockServer gateway = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
    private KvYcsbClient client;

    @BeforeEach
    void start() throws DBException {
        gateway.start();
        client = client(new Properties());
    }

    private KvYcsbClient client(Properties extra) throws DBException {
        Properties properties = new Properties();
        properties.setProperty("kv.urls", "http://127.0.0.1:" + gateway.port());
        properties.putAll(extra);
        KvYcsbClient created = new KvYcsbClient();
        created.setProperties(properties);
        created.init();
        return created;
    }

    @AfterEach
    void stop() {
        client.cleanup();
        gateway.stop();
    }

    private static Map<String, ByteIterator> fields(String... nameValue) {
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < nameValue.length; i += 2) {
            values.put(nameValue[i], nameValue[i + 1]);
        }
        return StringByteIterator.getByteIteratorMap(values);
    }

    @Test
    void anUpdateChangesOnlyItsFieldsAndWritesWithTheReadsContextAtStrong() {
        Map<String, byte[]> stored = new HashMap<>();
        stored.put("field0", "old0".getBytes());
        stored.put("field1", "old1".getBytes());
        gateway.stubFor(get(urlPathEqualTo("/v1/kv/usertable/user1")).withQueryParam("consistency", equalTo("strong"))
                .willReturn(aResponse().withStatus(200).withHeader("X-KV-Context", "ctx-1")
                        .withBody(FieldCodec.encode(stored))));
        gateway.stubFor(put(urlPathEqualTo("/v1/kv/usertable/user1")).willReturn(aResponse().withStatus(204)));

        assertThat(client.update("usertable", "user1", fields("field1", "new1"))).isEqualTo(Status.OK);

        var request = gateway.findAll(putRequestedFor(urlPathEqualTo("/v1/kv/usertable/user1"))).getFirst();
        assertThat(request.getHeader("X-KV-Context")).isEqualTo("ctx-1");
        assertThat(request.queryParameter("consistency").firstValue()).isEqualTo("strong");
        Map<String, byte[]> written = FieldCodec.decode(request.getBody());
        assertThat(new String(written.get("field0"))).isEqualTo("old0");
        assertThat(new String(written.get("field1"))).isEqualTo("new1");
    }

    @Test
    void aReadReturnsTheAskedFieldsAndMapsStatuses() {
        gateway.stubFor(get(urlPathEqualTo("/v1/kv/usertable/user2")).willReturn(aResponse().withStatus(200)
                .withBody(FieldCodec.encode(Map.of("field0", "a".getBytes(), "field1", "b".getBytes())))));
        gateway.stubFor(get(urlPathEqualTo("/v1/kv/usertable/missing")).willReturn(aResponse().withStatus(404)));
        gateway.stubFor(get(urlPathEqualTo("/v1/kv/usertable/broken")).willReturn(aResponse().withStatus(503)));
        Map<String, ByteIterator> result = new HashMap<>();

        assertThat(client.read("usertable", "user2", Set.of("field1"), result)).isEqualTo(Status.OK);
        assertThat(result).containsOnlyKeys("field1");
        assertThat(result.get("field1").toString()).isEqualTo("b");
        assertThat(client.read("usertable", "missing", null, new HashMap<>())).isEqualTo(Status.NOT_FOUND);
        assertThat(client.read("usertable", "broken", null, new HashMap<>())).isEqualTo(Status.ERROR);
    }

    @Test
    void siblingsReadAsTheUnionOfTheirFieldsAndTheNextUpdateResolvesThemWithThe300sContext() {
        String envelope = "{\"key\":\"usertable/user3\",\"context\":\"ctx-300\",\"siblings\":["
                + "{\"value\":\"" + java.util.Base64.getEncoder().encodeToString(
                        FieldCodec.encode(Map.of("field0", "left".getBytes()))) + "\"},"
                + "{\"value\":\"" + java.util.Base64.getEncoder().encodeToString(
                        FieldCodec.encode(Map.of("field1", "right".getBytes()))) + "\"}]}";
        gateway.stubFor(get(urlPathEqualTo("/v1/kv/usertable/user3")).willReturn(aResponse().withStatus(300)
                .withHeader("Content-Type", "application/json").withHeader("X-KV-Context", "ctx-300")
                .withBody(envelope)));
        gateway.stubFor(put(urlPathEqualTo("/v1/kv/usertable/user3")).willReturn(aResponse().withStatus(204)));
        Map<String, ByteIterator> result = new HashMap<>();

        assertThat(client.read("usertable", "user3", null, result)).isEqualTo(Status.OK);
        assertThat(result).containsOnlyKeys("field0", "field1");
        assertThat(client.update("usertable", "user3", fields("field2", "new"))).isEqualTo(Status.OK);

        var request = gateway.findAll(putRequestedFor(urlPathEqualTo("/v1/kv/usertable/user3"))).getFirst();
        assertThat(request.getHeader("X-KV-Context")).isEqualTo("ctx-300");
        assertThat(FieldCodec.decode(request.getBody())).containsOnlyKeys("field0", "field1", "field2");
    }

    @Test
    void insertAndDeleteUseTheExplicitQuorumsAndTtlWhenGiven() throws DBException {
        Properties properties = new Properties();
        properties.setProperty("kv.w", "3");
        properties.setProperty("kv.ttl", "60");
        KvYcsbClient quorum = client(properties);
        gateway.stubFor(put(urlPathEqualTo("/v1/kv/t/k")).withQueryParam("w", equalTo("3"))
                .withQueryParam("ttl", equalTo("60")).willReturn(aResponse().withStatus(204)));
        gateway.stubFor(delete(urlPathEqualTo("/v1/kv/t/k")).withQueryParam("w", equalTo("3"))
                .willReturn(aResponse().withStatus(204)));
        try {
            assertThat(quorum.insert("t", "k", fields("f", "v"))).isEqualTo(Status.OK);
            assertThat(quorum.delete("t", "k")).isEqualTo(Status.OK);
            assertThat(quorum.scan("t", "k", 10, null, new java.util.Vector<>())).isEqualTo(Status.NOT_IMPLEMENTED);
        } finally {
            quorum.cleanup();
        }
    }

    @Test
    void badPropertiesFailInitWithTheirName() {
        Properties properties = new Properties();
        properties.setProperty("kv.consistency", "all");
        assertThatThrownBy(() -> client(properties)).isInstanceOf(DBException.class)
                .hasMessageContaining("kv.consistency");
        Properties timeout = new Properties();
        timeout.setProperty("kv.timeout", "-5");
        assertThatThrownBy(() -> client(timeout)).isInstanceOf(DBException.class).hasMessageContaining("kv.timeout");
    }
}
