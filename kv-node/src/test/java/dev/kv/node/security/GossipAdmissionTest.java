package dev.kv.node.security;

import dev.kv.web.testsupport.RawHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A member enters this node's view only through an authenticated gossip call, and only with a plain
 * {@code http[s]://host:port} address: the node calls its members with the cluster secret, so an address with user
 * information, a path or another scheme would leak it to whoever announced it.
 */
class GossipAdmissionTest extends SecuredNodeTest {

    private RawHttp.Response syn(String nodeId, String address, String... secret) {
        String body = "{\"from\":{\"nodeId\":\"" + nodeId + "\",\"address\":\"" + address + "\",\"generation\":1,"
                + "\"version\":1,\"status\":\"NORMAL\"},\"digests\":[]}";
        String[] headers = secret.length == 0 ? new String[] {"Content-Type", "application/json"}
                : new String[] {"Content-Type", "application/json", "X-KV-Cluster-Secret", secret[0]};
        return RawHttp.send(port, "POST", "/internal/v1/gossip/syn", utf8(body), headers);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://attacker@127.0.0.1:9", "http://127.0.0.1:9/collect", "http://127.0.0.1:9?x=1",
            "ftp://127.0.0.1:9", "http://127.0.0.1", "127.0.0.1:9", "http://127.0.0.1:9#f", "file:///etc/passwd"})
    void aSynWithAMalformedAddressIsRefusedWith400AndNobodyJoins(String address) {
        String id = "bad-" + Integer.toHexString(address.hashCode());
        RawHttp.Response response = syn(id, address, SECRET);
        assertThat(response.status()).as(response.text()).isEqualTo(400);
        assertThat(response.isProblem()).isTrue();
        assertThat(isMember(id)).isFalse();
    }

    @Test
    void anAck2CarryingOneMalformedAddressIsRefusedWhole() {
        String body = "{\"states\":[{\"nodeId\":\"fine-one\",\"address\":\"http://127.0.0.1:9\",\"generation\":1,"
                + "\"version\":1,\"status\":\"NORMAL\"},{\"nodeId\":\"bad-one\",\"address\":\"http://u@127.0.0.1:9\","
                + "\"generation\":1,\"version\":1,\"status\":\"NORMAL\"}]}";
        RawHttp.Response response = RawHttp.send(port, "POST", "/internal/v1/gossip/ack2", utf8(body),
                "Content-Type", "application/json", "X-KV-Cluster-Secret", SECRET);
        assertThat(response.status()).as(response.text()).isEqualTo(400);
        assertThat(isMember("fine-one")).isFalse();
        assertThat(isMember("bad-one")).isFalse();
    }

    @Test
    void aMalformedNodeIdIsRefused() {
        RawHttp.Response response = syn("evil\\u0000id", "http://127.0.0.1:9", SECRET);
        assertThat(response.status()).isEqualTo(400);
        assertThat(isMember("evil\u0000id")).isFalse();
    }

    @Test
    void onlyAnAuthenticatedSynAdmitsAMember() {
        assertThat(syn("stranger", "http://127.0.0.1:9").status()).isEqualTo(401);
        assertThat(syn("stranger", "http://127.0.0.1:9", WRONG_SECRET).status()).isEqualTo(401);
        assertThat(isMember("stranger")).isFalse();

        assertThat(syn("stranger", "http://127.0.0.1:9", SECRET).status()).isEqualTo(200);
        assertThat(isMember("stranger")).isTrue();
    }
}
