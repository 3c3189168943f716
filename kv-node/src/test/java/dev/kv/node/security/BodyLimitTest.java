package dev.kv.node.security;

import dev.kv.node.config.BodyLimits;
import dev.kv.web.testsupport.RawHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 3: every internal endpoint that takes a body refuses one larger than it can legitimately carry with a 413
 * problem, before reading it, and stores nothing.
 */
class BodyLimitTest extends SecuredNodeTest {

    @Autowired
    BodyLimits limits;

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
            "POST, /internal/v1/coordinate, ?key=%s&op=put",
            "PUT, /internal/v1/replica, ?key=%s",
            "PUT, /internal/v1/hints, ?target=n2&key=%s",
            "PUT, /internal/v1/merkle/push, ''",
            "POST, /internal/v1/merkle/pull, ''",
            "POST, /internal/v1/merkle/children, ''",
            "POST, /internal/v1/merkle/digests, ''",
            "POST, /internal/v1/gossip/syn, ''",
            "POST, /internal/v1/gossip/ack2, ''",
            "POST, /admin/v1/repair, ''"})
    void aDeclaredBodyOneByteOverTheCapIs413AndStoresNothing(String method, String path, String query) {
        String key = "oversized" + path.replace('/', '-');
        long cap = limits.forRequest(method, path);
        long hintsBefore = hintBytes();

        RawHttp.Response response = RawHttp.send(port, method, path + query.formatted(key(key)),
                "Content-Length: " + (cap + 1), new byte[1024], "Content-Type", "application/octet-stream",
                "X-KV-Cluster-Secret", SECRET);

        assertThat(response.status()).as(response.text()).isEqualTo(413);
        assertThat(response.isProblem()).isTrue();
        assertThat(response.text()).contains(Long.toString(cap));
        assertThat(store.readEncoded(utf8(key))).isNull();
        assertThat(hintBytes()).isEqualTo(hintsBefore);
    }

    @Test
    void aChunkedBodyBeyondTheCapIs413AndOneWithinItIsServed() {
        String key = "chunked-value";
        byte[] tooLarge = new byte[(int) limits.valueBytesMax() + 1];
        RawHttp.Response refused = RawHttp.send(port, "POST", "/internal/v1/coordinate?key=" + key(key) + "&op=put",
                "Transfer-Encoding: chunked", RawHttp.chunked(tooLarge), "Content-Type", "application/octet-stream",
                "X-KV-Cluster-Secret", SECRET);
        assertThat(refused.status()).as(refused.text()).isEqualTo(413);
        assertThat(store.readEncoded(utf8(key))).isNull();

        byte[] largest = new byte[(int) limits.valueBytesMax()];
        RawHttp.Response served = RawHttp.send(port, "POST", "/internal/v1/coordinate?key=" + key(key) + "&op=put",
                "Transfer-Encoding: chunked", RawHttp.chunked(largest), "Content-Type", "application/octet-stream",
                "X-KV-Cluster-Secret", SECRET);
        assertThat(served.status()).as(served.text()).isEqualTo(200);
        assertThat(store.readEncoded(utf8(key))).isNotNull();
    }

    @Test
    void aValueOfExactlyTheLimitIsCoordinatedAndAnExistingValueSurvivesAnOversizedOne() {
        String key = "largest-value";
        byte[] largest = new byte[(int) limits.valueBytesMax()];
        RawHttp.Response written = RawHttp.send(port, "POST", "/internal/v1/coordinate?key=" + key(key) + "&op=put",
                largest, "Content-Type", "application/octet-stream", "X-KV-Cluster-Secret", SECRET);
        assertThat(written.status()).isEqualTo(200);
        byte[] stored = store.readEncoded(utf8(key));

        RawHttp.Response refused = RawHttp.send(port, "PUT", "/internal/v1/replica?key=" + key(key),
                "Content-Length: " + (limits.recordBytesMax() + 1), new byte[4096], "Content-Type",
                "application/octet-stream", "X-KV-Cluster-Secret", SECRET);
        assertThat(refused.status()).isEqualTo(413);
        assertThat(store.readEncoded(utf8(key))).isEqualTo(stored);
    }

    @Test
    void theCapsFollowTheValueLimit() {
        assertThat(limits.valueBytesMax()).isEqualTo(1024 * 1024);
        // A record may hold twice the write limit of siblings (a merge), each a whole value: about 32 MiB.
        assertThat(limits.recordBytesMax()).isBetween(32L * 1024 * 1024, 33L * 1024 * 1024);
        assertThat(limits.pushBytesMax()).isGreaterThan(limits.recordBytesMax());
        assertThat(limits.forRequest("POST", "/internal/v1/gossip/syn")).isEqualTo(BodyLimits.GOSSIP_BYTES_MAX);
        assertThat(limits.forRequest("GET", "/internal/v1/info")).isEqualTo(BodyLimits.DEFAULT_BYTES_MAX);
    }

    private long hintBytes() {
        RawHttp.Response hints = RawHttp.send(port, "GET", "/internal/v1/hints", new byte[0], "X-KV-Cluster-Secret",
                SECRET);
        String text = hints.text();
        return Long.parseLong(text.replaceAll(".*\"bytes\":(\\d+).*", "$1"));
    }
}
