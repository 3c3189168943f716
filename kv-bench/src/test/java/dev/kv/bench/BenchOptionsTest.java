package dev.kv.bench;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BenchOptionsTest {

    @Test
    void defaultsAreWorkloadAAtStrongWithThirtyTwoThreadsAgainstTheLocalGateway() {
        BenchOptions options = BenchOptions.parse(new String[0]);

        assertThat(options.gateways()).containsExactly(URI.create("http://127.0.0.1:8080"));
        assertThat(options.workload().name()).isEqualTo("a");
        assertThat(options.records()).isEqualTo(100_000);
        assertThat(options.valueSize()).isEqualTo(1024);
        assertThat(options.threads()).isEqualTo(32);
        assertThat(options.duration()).isEqualTo(Duration.ofSeconds(30));
        assertThat(options.consistency()).isEqualTo("strong");
        assertThat(options.rate()).isZero();
        assertThat(options.load()).isTrue();
        assertThat(options.run()).isTrue();
    }

    @Test
    void everyOptionIsTakenInBothSpellings() {
        BenchOptions options = BenchOptions.parse(new String[] {"--url", "http://a:1/,http://b:2", "--workload=c",
                "--records", "1_000", "--value-size=10", "--threads", "4", "--duration", "2m", "--warmup", "500ms",
                "--consistency", "eventual", "--rate", "900", "--phase", "run", "--distribution", "uniform"});

        assertThat(options.gateways()).containsExactly(URI.create("http://a:1"), URI.create("http://b:2"));
        assertThat(options.workload().read()).isEqualTo(1.0);
        assertThat(options.records()).isEqualTo(1000);
        assertThat(options.duration()).isEqualTo(Duration.ofMinutes(2));
        assertThat(options.warmup()).isEqualTo(Duration.ofMillis(500));
        assertThat(options.rate()).isEqualTo(900);
        assertThat(options.load()).isFalse();
        assertThat(options.distribution()).isEqualTo("uniform");
    }

    @Test
    void aReadUpdateMixIsNormalised() {
        Workload.Mix mix = Workload.Mix.parse("90/30");

        assertThat(mix.read()).isEqualTo(0.75);
        assertThat(mix.update()).isEqualTo(0.25);
    }

    @Test
    void badOptionsAreRefusedWithAMessageNamingThem() {
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--threds", "4"}))
                .hasMessageContaining("--threds");
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--threads", "0"}))
                .hasMessageContaining("--threads");
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--duration", "soon"}))
                .hasMessageContaining("soon");
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--workload", "z"}))
                .hasMessageContaining("--workload");
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--consistency", "all"}))
                .hasMessageContaining("--consistency");
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--rate"}))
                .hasMessageContaining("needs a value");
    }
}
