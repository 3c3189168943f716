package dev.kv.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The dashboard (kv-admin-ui) alone, started from its executable jar as {@link KvCluster} starts it, but pointed at
 * any gateway URL: a WireMock stand-in, for browser tests of answers a real cluster cannot be brought to give on
 * demand (a membership change frozen halfway, a hostile member id). Its log goes to
 * {@code target/cluster-logs/<name>/dashboard.log}; {@link #close()} stops the process it started.
 */
final class StandaloneDashboard implements AutoCloseable {

    private final HttpClient http;
    private final KvProcess process;

    private StandaloneDashboard(HttpClient http, KvProcess process) {
        this.http = http;
        this.process = process;
    }

    /** Starts the dashboard on a free loopback port, reading {@code gateway}, and waits until it is ready. */
    static StandaloneDashboard start(String name, URI gateway) {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(GatewayClient.REQUEST_TIMEOUT).build();
        StandaloneDashboard dashboard;
        try {
            Path logs = KvCluster.logRoot().resolve(name);
            KvCluster.deleteRecursively(logs);
            Files.createDirectories(logs);
            int port = KvCluster.freePorts(1).getFirst();
            byte[] secret = new byte[16];
            new SecureRandom().nextBytes(secret);
            dashboard = new StandaloneDashboard(http, new KvProcess("dashboard", KvCluster.jar("kv.admin.jar"), port,
                    List.of("--server.port=" + port, "--server.address=127.0.0.1",
                            "--kv.admin.gateway-url=" + gateway.toString().replaceAll("/$", "")),
                    Map.of("KV_CLUSTER_SECRET", HexFormat.of().formatHex(secret)), logs.resolve("dashboard.log"),
                    http));
        } catch (IOException e) {
            http.close();
            throw new UncheckedIOException(e);
        }
        try {
            dashboard.process.launch();
            dashboard.process.awaitReady();
            return dashboard;
        } catch (RuntimeException | Error e) {
            dashboard.close();
            throw e;
        }
    }

    URI uri() {
        return process.baseUri();
    }

    Path logFile() {
        return process.logFile();
    }

    @Override
    public void close() {
        try {
            process.requestStop();
            process.awaitStopped();
        } finally {
            http.close();
        }
    }
}
