package dev.kv.web.net;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SourceAddressTest {

    @Test
    void blankLeavesTheChoiceToTheSystem() {
        assertThat(SourceAddress.of("").address()).isNull();
        assertThat(SourceAddress.of(" ").bindAddress()).isNull();
        assertThat(SourceAddress.of(null)).isSameAs(SourceAddress.none());
    }

    @Test
    void onlyIpLiteralsAreTaken() {
        assertThat(SourceAddress.of("127.0.0.12").address().getHostAddress()).isEqualTo("127.0.0.12");
        assertThatThrownBy(() -> SourceAddress.of("localhost")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("kv.cluster.source-address must be an IP address");
        assertThatThrownBy(() -> SourceAddress.of("127.0.0.300")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aSocketBoundToItCallsFromThatAddress() throws IOException {
        SourceAddress source = SourceAddress.of("127.0.0.13");
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket socket = new Socket()) {
            socket.bind(source.bindAddress());
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()), 1000);
            try (Socket accepted = server.accept()) {
                assertThat(accepted.getInetAddress().getHostAddress()).isEqualTo("127.0.0.13");
            }
        }
    }
}
