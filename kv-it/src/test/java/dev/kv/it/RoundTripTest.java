package dev.kv.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import static dev.kv.it.TestSupport.expectProblem;
import static dev.kv.it.TestSupport.expectStatus;
import static dev.kv.it.TestSupport.uniqueKey;
import static dev.kv.it.TestSupport.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * PUT, GET and DELETE through the gateway of a real 3-node cluster at every consistency level: the value, its
 * content type and its context come back, and a deleted key reads as 404.
 */
class RoundTripTest {

    @RegisterExtension
    static final KvClusterExtension cluster = new KvClusterExtension();

    /** R and W of each preset for N=3 (DESIGN §2): with R + W > N a read right after the write must see it. */
    private static final Map<String, int[]> PRESETS = Map.of("strong", new int[] {2, 2}, "eventual", new int[] {1, 1},
            "fast-write", new int[] {3, 1}, "fast-read", new int[] {1, 3});

    @ParameterizedTest(name = "consistency={0}")
    @ValueSource(strings = {"strong", "eventual", "fast-write", "fast-read"})
    void putGetDeleteRoundTripAtEveryPreset(String preset) {
        GatewayClient gateway = cluster.gateway();
        String key = uniqueKey("preset-" + preset);
        String contentType = "application/vnd.kv-it." + preset;
        byte[] value = utf8("value written at " + preset + " to " + key);
        boolean overlapping = PRESETS.get(preset)[0] + PRESETS.get(preset)[1] > 3;

        Reply put = expectStatus(gateway.put(key).params("consistency=" + preset).body(value, contentType).send(), 204);
        assertThat(put.context()).as(put::toString).isNotBlank();
        assertThat(put.etag()).as(put::toString).isNotBlank();
        assertThat(put.optionalHeader("X-KV-Siblings")).as(put::toString).isEmpty();

        Reply get = readUntil(key, preset, overlapping, 200);
        assertThat(get.body()).as(get::toString).isEqualTo(value);
        assertThat(get.contentType()).isEqualTo(contentType);
        assertThat(get.context()).as("the read's context is the write's").isEqualTo(put.context());
        assertThat(get.etag()).as("the read's ETag is the write's").isEqualTo(put.etag());

        expectStatus(gateway.remove(key, "consistency=" + preset), 204);
        expectProblem(readUntil(key, preset, overlapping, 404), 404);
    }

    @ParameterizedTest(name = "w={0} r={1}")
    @CsvSource({"1,3", "2,2", "3,1", "one,all", "quorum,quorum", "all,one"})
    void putGetDeleteRoundTripWithExplicitQuorums(String w, String r) {
        GatewayClient gateway = cluster.gateway();
        String key = uniqueKey("explicit-w" + w + "-r" + r);
        byte[] value = utf8("value at w=" + w + " r=" + r);

        Reply put = expectStatus(gateway.put(key).params("w=" + w).body(value, "text/plain").send(), 204);
        Reply get = expectStatus(gateway.read(key, "r=" + r), 200);
        assertThat(get.body()).as(get::toString).isEqualTo(value);
        assertThat(get.contentType()).isEqualTo("text/plain");
        assertThat(get.context()).isEqualTo(put.context());

        expectStatus(gateway.remove(key, "w=" + w), 204);
        expectProblem(gateway.read(key, "r=" + r), 404);
    }

    @Test
    void jsonEnvelopeCarriesBase64ValueContextAndTheCoordinatorThatWroteIt() {
        GatewayClient gateway = cluster.gateway();
        String key = uniqueKey("envelope");
        byte[] value = {0, 1, 2, (byte) 0xff, (byte) 0xfe, '\n', 0x7f};
        Reply put = expectStatus(gateway.put(key).body(value, "application/octet-stream").send(), 204);

        Reply get = expectStatus(gateway.get(key).accept("application/json").send(), 200);
        assertThat(get.contentType()).startsWith("application/json");
        JsonNode envelope = get.json();
        assertThat(envelope.get("key").asString()).isEqualTo(key);
        assertThat(Base64.getDecoder().decode(envelope.get("value").asString())).isEqualTo(value);
        assertThat(envelope.get("contentType").asString()).isEqualTo("application/octet-stream");
        assertThat(envelope.get("context").asString()).isEqualTo(put.context()).isEqualTo(get.context());
        assertThat(envelope.get("etag").asString()).isEqualTo(put.etag());
        assertThat(envelope.get("siblings").size()).isEqualTo(1);

        // The gateway asks the first replica of the preference list to coordinate while all nodes are up.
        String coordinator = gateway.preferenceList(key).getFirst();
        assertThat(envelope.get("siblings").get(0).get("writtenBy").asString())
                .isEqualTo(cluster.node(coordinator).info().get("actor").asString());
    }

    @Test
    void emptyValueRoundTripsAndIsNotTheSameAsAbsent() {
        String key = uniqueKey("empty");
        expectStatus(cluster.gateway().put(key).body(new byte[0], "text/plain").send(), 204);
        Reply get = expectStatus(cluster.gateway().read(key), 200);
        assertThat(get.body()).isEmpty();
        assertThat(get.contentType()).isEqualTo("text/plain");
    }

    @Test
    void valueWithoutContentTypeIsServedAsOctetStream() {
        String key = uniqueKey("no-content-type");
        expectStatus(cluster.gateway().put(key).body(utf8("bytes"), null).send(), 204);
        Reply get = expectStatus(cluster.gateway().read(key), 200);
        assertThat(get.contentType()).isEqualTo("application/octet-stream");
        assertThat(get.text()).isEqualTo("bytes");
    }

    /**
     * The envelope shows the content type exactly as written; the raw response carries the same media type (Tomcat
     * may reorder its parameters, which RFC 9110 makes insignificant).
     */
    @Test
    void contentTypeWithParametersIsReturnedAsStored() {
        String key = uniqueKey("content-type-parameters");
        String contentType = "text/plain;charset=ISO-8859-1;format=flowed";
        expectStatus(cluster.gateway().put(key).body(utf8("abc"), contentType).send(), 204);
        assertThat(mediaType(expectStatus(cluster.gateway().read(key), 200).contentType()))
                .isEqualTo(mediaType(contentType));
        assertThat(expectStatus(cluster.gateway().get(key).accept("application/json").send(), 200).json()
                .get("contentType").asString()).isEqualTo(contentType);
    }

    /** Type, subtype and parameters, with the case-insensitive parts lower-cased and parameter order dropped. */
    private static Map<String, String> mediaType(String header) {
        Map<String, String> parts = new TreeMap<>();
        String[] pieces = header.split(";");
        parts.put("", pieces[0].trim().toLowerCase(Locale.ROOT));
        for (int i = 1; i < pieces.length; i++) {
            String[] parameter = pieces[i].split("=", 2);
            String name = parameter[0].trim().toLowerCase(Locale.ROOT);
            String value = parameter.length > 1 ? parameter[1].trim() : "";
            parts.put(name, name.equals("charset") ? value.toLowerCase(Locale.ROOT) : value);
        }
        return parts;
    }

    @Test
    void keysWithSlashesAndNonAsciiCharactersRoundTripUnchanged() {
        GatewayClient gateway = cluster.gateway();
        String key = uniqueKey("users") + "/42/cart/ü€𝄞 x+y;z";
        expectStatus(gateway.write(key, "cart"), 204);

        Reply get = expectStatus(gateway.get(key).accept("application/json").send(), 200);
        assertThat(get.json().get("key").asString()).isEqualTo(key);
        assertThat(get.siblingValues()).containsExactly("cart");
        assertThat(gateway.preferenceList(key)).hasSize(3).doesNotHaveDuplicates();
        // Every replica stores it under exactly these UTF-8 bytes.
        for (KvNode node : cluster.nodes()) {
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                    assertThat(TestSupport.liveValues(node.internalRead(key))).as(node.id()).containsExactly("cart"));
        }
    }

    @Test
    void percentEncodedSlashNamesTheSameKeyAsAPlainSlash() {
        GatewayClient gateway = cluster.gateway();
        String prefix = uniqueKey("encoded-slash");
        expectStatus(gateway.raw("PUT", "/v1/kv/" + prefix + "%2Fleaf").text("leaf value").send(), 204);
        Reply get = expectStatus(gateway.read(prefix + "/leaf"), 200);
        assertThat(get.text()).isEqualTo("leaf value");
    }

    @Test
    void trailingSlashIsPartOfTheKeyAndNeverFoldedAway() {
        GatewayClient gateway = cluster.gateway();
        String key = uniqueKey("trailing") + "/dir/";
        expectStatus(gateway.write(key, "with slash"), 204);
        Reply get = expectStatus(gateway.get(key).accept("application/json").send(), 200);
        assertThat(get.json().get("key").asString()).isEqualTo(key);
        expectProblem(gateway.read(key.substring(0, key.length() - 1)), 404);
    }

    @Test
    void writeWithoutContextSupersedesThePreviousValueInsteadOfAddingASibling() {
        GatewayClient gateway = cluster.gateway();
        String key = uniqueKey("supersede");
        for (String value : List.of("first", "second", "third")) {
            Reply put = expectStatus(gateway.write(key, value), 204);
            assertThat(put.optionalHeader("X-KV-Siblings")).as(put::toString).isEmpty();
        }
        Reply get = expectStatus(gateway.read(key, "r=all"), 200);
        assertThat(get.text()).isEqualTo("third");
    }

    /** One read, or for a preset whose R + W does not exceed N, reads until the replicas converged. */
    private static Reply readUntil(String key, String preset, boolean overlapping, int status) {
        if (overlapping) {
            return cluster.gateway().read(key, "consistency=" + preset);
        }
        Reply[] last = new Reply[1];
        await("a consistency=" + preset + " read answering " + status).atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
                    last[0] = cluster.gateway().read(key, "consistency=" + preset);
                    assertThat(last[0].status()).as(last[0]::toString).isEqualTo(status);
                });
        return last[0];
    }
}
