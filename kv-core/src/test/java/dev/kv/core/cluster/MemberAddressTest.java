package dev.kv.core.cluster;

import dev.kv.core.membership.EndpointState;
import dev.kv.core.membership.NodeStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** Only plain {@code http[s]://host:port} addresses may enter the membership: they are called with the secret. */
class MemberAddressTest {

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1:7101", "http://127.0.0.1:7101/", "https://kv-node-0.kv-nodes:7101",
            "HTTP://Node-1.example:80", "http://[::1]:7101"})
    void plainBaseUrlsAreAccepted(String address) {
        assertThat(MemberAddress.isValid(address)).isTrue();
        assertThat(MemberAddress.validate(address)).doesNotEndWith("/");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "127.0.0.1:7101", "ftp://host:21", "file:///etc/passwd", "http://host",
            "http://user:pw@host:7101", "http://evil@host:7101", "http://host:7101/internal", "http://host:7101/x/",
            "http://host:7101?x=1", "http://host:7101#f", "http://host:0", "http://host:70000", "http://ho st:1",
            "http://:7101", "javascript:alert(1)", "http://host:7101/%2e%2e/"})
    void anythingElseIsRefused(String address) {
        assertThat(MemberAddress.isValid(address)).as(address).isFalse();
        assertThatIllegalArgumentException().isThrownBy(() -> MemberAddress.validate(address));
    }

    @Test
    void aMemberStateCannotCarryAMalformedAddressOrId() {
        assertThatIllegalArgumentException().isThrownBy(() -> new EndpointState("n1", "http://x@evil:1", 1, 1,
                NodeStatus.NORMAL));
        assertThatIllegalArgumentException().isThrownBy(() -> new EndpointState("n1\n", "http://host:1", 1, 1,
                NodeStatus.NORMAL));
        assertThat(new EndpointState("n1", "http://host:1", 1, 1, NodeStatus.NORMAL).address())
                .isEqualTo("http://host:1");
    }

    @Test
    void theSecretIsComparedOnlyWhenConfigured() {
        ClusterSecret none = ClusterSecret.of("");
        assertThat(none.isConfigured()).isFalse();
        assertThat(none.matches("")).isFalse();
        ClusterSecret secret = ClusterSecret.of("s3cret");
        assertThat(secret.matches("s3cret")).isTrue();
        assertThat(secret.matches("s3cre")).isFalse();
        assertThat(secret.matches(null)).isFalse();
        assertThat(secret.toString()).doesNotContain("s3cret");
    }
}
