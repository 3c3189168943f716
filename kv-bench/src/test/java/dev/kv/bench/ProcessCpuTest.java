package dev.kv.bench;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** CPU per operation from {@code /proc}: parsing, and a report on this very process after it did some work. */
class ProcessCpuTest {

    @Test
    void userAndSystemTicksAreReadAfterTheCommandNameWhateverItHolds() {
        String stat = "4242 (java (kv) x) S 1 4242 4242 0 -1 4194560 9031 0 0 0 1234 56 0 0 20 0 40 0 999 0 0";
        assertThat(ProcessCpu.parseTicks(stat)).isEqualTo(1234 + 56);
    }

    @Test
    void processesAreNamedWithTheirIds() {
        assertThat(ProcessCpu.parse("n1=11, gateway=12")).containsExactly(Map.entry("n1", 11L),
                Map.entry("gateway", 12L));
        assertThatThrownBy(() -> ProcessCpu.parse("n1")).hasMessageContaining("name=pid");
        assertThatThrownBy(() -> ProcessCpu.parse("n1=x")).hasMessageContaining("not a process id");
        assertThat(BenchOptions.parse(new String[] {"--cpu", "n1=7"}).cpu()).containsEntry("n1", 7L);
        assertThat(BenchOptions.parse(new String[0]).cpu()).isEmpty();
    }

    @Test
    void theReportShowsWhatTheProcessSpentPerOperation() {
        ProcessCpu cpu = new ProcessCpu(Map.of("self", ProcessHandle.current().pid(), "gone", Long.MAX_VALUE));
        cpu.start();
        long spin = System.nanoTime() + 300_000_000L;
        double sink = 0;
        while (System.nanoTime() < spin) {
            sink += Math.sqrt(sink + 1);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        cpu.report(new PrintStream(bytes, true, StandardCharsets.UTF_8), 10, 0.3);
        String report = bytes.toString(StandardCharsets.UTF_8);

        assertThat(sink).isPositive();
        assertThat(report).contains("cpu ms per operation:").contains("cpu cores busy:").doesNotContain("gone");
        double perOp = Double.parseDouble(report.replaceAll("(?s).*?self (\\d+\\.\\d+).*", "$1"));
        assertThat(perOp).as("about 30 ms of CPU per operation (300 ms over 10)").isBetween(10.0, 200.0);
    }
}
