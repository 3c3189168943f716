package dev.kv.bench;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

/** The load and run phases against a stand-in gateway (WireMock), which answers some reads with errors. */
class RunnerTest {

    private final WireMockServer gateway =
            new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());

    @BeforeEach
    void start() {
        gateway.start();
        gateway.stubFor(put(urlPathMatching("/v1/kv/bench/user.*")).willReturn(aResponse().withStatus(204)));
        gateway.stubFor(get(urlPathMatching("/v1/kv/bench/user.*")).willReturn(aResponse().withStatus(200)
                .withHeader("X-KV-Context", "ctx").withBody("value")));
        gateway.stubFor(get(urlPathMatching("/v1/kv/bench/user1")).willReturn(aResponse().withStatus(503)));
    }

    @AfterEach
    void stop() {
        gateway.stop();
    }

    private BenchOptions options(String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("--url", "http://127.0.0.1:" + gateway.port(),
                "--records", "50", "--threads", "2", "--duration", "1s", "--warmup", "0s", "--value-size", "64",
                "--distribution", "uniform"));
        args.addAll(List.of(extra));
        return BenchOptions.parse(args.toArray(String[]::new));
    }

    @Test
    void theLoadPutsEveryRecordOnceWithTheValueSizeAndConsistencyAsked() throws Exception {
        BenchOptions options = options("--consistency", "fast-write");
        try (KvHttp http = new KvHttp(options.gateways(), options.threads(), options.timeout())) {
            LatencyStats stats = new LatencyStats();
            new Runner(options, http, new PrintStream(new ByteArrayOutputStream())).load(stats);

            assertThat(stats.total(Workload.Op.UPDATE).getTotalCount()).isEqualTo(50);
        }
        assertThat(gateway.findAll(putRequestedFor(urlPathMatching("/v1/kv/bench/user.*")))).hasSize(50)
                .allSatisfy(request -> {
                    assertThat(request.getBody()).hasSize(64);
                    assertThat(request.queryParameter("consistency").firstValue()).isEqualTo("fast-write");
                });
        assertThat(gateway.findAll(putRequestedFor(urlPathMatching("/v1/kv/bench/user49")))).hasSize(1);
    }

    @Test
    void aRunCountsOperationsByKindAndErrorsByStatusAndPrintsATable() throws Exception {
        BenchOptions options = options("--workload", "f");
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try (KvHttp http = new KvHttp(options.gateways(), options.threads(), options.timeout())) {
            LatencyStats stats = new LatencyStats();
            PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
            double seconds = new Runner(options, http, out).run(new Workload(options.workload(), 50, "uniform"),
                    stats);
            Bench.print(out, stats, seconds);

            assertThat(stats.total(Workload.Op.READ).getTotalCount()).isPositive();
            assertThat(stats.total(Workload.Op.READ_MODIFY_WRITE).getTotalCount()).isPositive();
            assertThat(stats.total(Workload.Op.UPDATE).getTotalCount()).isZero();
            assertThat(stats.errors()).containsKey("read: HTTP 503");
        }
        String report = printed.toString(StandardCharsets.UTF_8);
        assertThat(report).contains("p99.9 ms").contains("read_modify_write").contains("errors: {");
        assertThat(gateway.findAll(putRequestedFor(urlPathMatching("/v1/kv/bench/user.*"))))
                .as("read-modify-writes carry the read's context")
                .allSatisfy(request -> assertThat(request.getHeader("X-KV-Context")).isEqualTo("ctx"));
    }

    @Test
    void theOpenLoopHoldsTheRateItWasGiven() throws Exception {
        BenchOptions options = options("--workload", "ping", "--rate", "200", "--duration", "2s", "--ping-url",
                "http://127.0.0.1:" + gateway.port() + "/ping");
        gateway.stubFor(any(urlPathMatching("/ping")).willReturn(aResponse().withStatus(200)));
        try (KvHttp http = new KvHttp(options.gateways(), options.threads(), options.timeout())) {
            LatencyStats stats = new LatencyStats();
            new Runner(options, http, new PrintStream(new ByteArrayOutputStream())).run(
                    new Workload(options.workload(), 1, "uniform"), stats);

            // 2 s at 200/s: about 400 operations, never as many as an unthrottled loop would send.
            assertThat(stats.total(Workload.Op.PING).getTotalCount()).isBetween(300L, 440L);
        }
        assertThat(URI.create(options.pingUrl().toString()).getPath()).isEqualTo("/ping");
    }
}
