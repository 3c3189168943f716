package dev.kv.node.faults;

import dev.kv.web.testsupport.StartFailures;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code kv.faults.clock-offset}: every reading of the node's clock shifted, and only in the test profile. */
class ClockOffsetTest {

    private static final Instant NOW = Instant.ofEpochMilli(1_700_000_000_123L);
    private static final InstantSource WALL = InstantSource.fixed(NOW);

    @EnableConfigurationProperties(FaultProperties.class)
    static class Faults {
    }

    @Test
    void aNegativeOffsetPutsTheClockBehind() {
        InstantSource skewed = SkewedClock.of(WALL, Duration.ofSeconds(-30));

        assertThat(skewed.instant()).isEqualTo(NOW.minusSeconds(30));
        assertThat(skewed.millis()).isEqualTo(NOW.toEpochMilli() - 30_000);
    }

    @Test
    void aPositiveOffsetPutsTheClockAhead() {
        InstantSource skewed = SkewedClock.of(WALL, Duration.ofMillis(45_001));

        assertThat(skewed.instant()).isEqualTo(NOW.plusMillis(45_001));
        assertThat(skewed.millis()).isEqualTo(NOW.toEpochMilli() + 45_001);
    }

    @Test
    void noOffsetIsTheWallClockItself() {
        assertThat(SkewedClock.of(WALL, Duration.ZERO)).isSameAs(WALL);
    }

    @Test
    void theOffsetBindsSignedWithTheEnableFlag() {
        new ApplicationContextRunner().withUserConfiguration(Faults.class)
                .withPropertyValues("kv.faults.enabled=true", "kv.faults.clock-offset=-30s")
                .run(context -> assertThat(context.getBean(FaultProperties.class).clockOffset())
                        .isEqualTo(Duration.ofSeconds(-30)));
    }

    @Test
    void anOffsetWithoutTheEnableFlagStopsTheNode() {
        assertThat(StartFailures.report(Faults.class, "kv.faults.clock-offset=45s"))
                .contains("kv.faults.clock-offset is 45000ms but kv.faults.enabled is false")
                .contains("the fault hooks are a test profile only");
    }

    @Test
    void byDefaultTheClockIsNotSkewed() {
        new ApplicationContextRunner().withUserConfiguration(Faults.class)
                .run(context -> assertThat(context.getBean(FaultProperties.class).clockOffset()).isZero());
    }
}
